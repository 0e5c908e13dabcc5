using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using McpGuard.Session;

namespace McpGuard.Stdio;

/// <summary>
/// The time between a restart by <see cref="ShieldedChild"/> and the client's <c>initialize</c> reaching the new
/// child. That child is known to die of any request before <c>initialize</c> (its predecessor did), so while the
/// window is open the guard writes it nothing but <c>initialize</c> (and lines that are no message): it answers every
/// request meant for it in its place (<see cref="AnswerInPlace"/>: a 2026-07-28 one, the client's or the guard's own
/// <c>tools/list</c>, with the <c>-32601</c> a 2025 server gives) and drops every notification, so the new child sees
/// <c>initialize</c> first (docs/relay.md#a-2025-only-server-and-a-modern-client). Writes come under
/// <see cref="ShieldedInput"/>'s lock, or the restart's.
/// </summary>
internal sealed class FallbackWindow
{
    /// <summary>A message this big is no request the window waits for: stop watching rather than buffer it.</summary>
    private const int MaxWatchedBytes = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _partialLine = new();
    // Not SingleReader: the reader may leave a wait behind (its child spoke first) and start another.
    private readonly Channel<byte[]> _answers = Channel.CreateUnbounded<byte[]>();
    private volatile bool _open;

    public bool IsOpen => _open;

    /// <summary>The guard's answers for the new child, in the order of the requests.</summary>
    public ChannelReader<byte[]> Answers => _answers.Reader;

    public void Open() => _open = true;

    /// <summary>
    /// Bytes the guard writes to the new child (whole lines or pieces of them); returns what the child may be
    /// sent of them. A piece of a line is kept until its end arrives.
    /// </summary>
    public ReadOnlyMemory<byte> Filter(ReadOnlySpan<byte> bytes)
    {
        var passed = new ArrayBufferWriter<byte>(bytes.Length + 1);
        while (_open && bytes.IndexOf((byte)'\n') is var newline and >= 0)
        {
            _partialLine.Write(bytes[..(newline + 1)]);
            if (Passes(_partialLine.WrittenSpan[..^1]))
            {
                passed.Write(_partialLine.WrittenSpan);
            }

            _partialLine.ResetWrittenCount();
            bytes = bytes[(newline + 1)..];
        }

        if (_open)
        {
            _partialLine.Write(bytes);
            if (_partialLine.WrittenCount <= MaxWatchedBytes)
            {
                return passed.WrittenMemory;
            }

            Close();
            bytes = [];
        }

        passed.Write(_partialLine.WrittenSpan);
        _partialLine.ResetWrittenCount();
        passed.Write(bytes);
        return passed.WrittenMemory;
    }

    private bool Passes(ReadOnlySpan<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var message = document.RootElement;
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("method"u8, out var method))
            {
                return true;
            }

            if (method.ValueEquals("initialize"u8))
            {
                // A 2025 session is starting on the new child: from here on the client speaks to it as it chose.
                Close();
                return true;
            }

            if (message.TryGetProperty("id"u8, out var id))
            {
                _answers.Writer.TryWrite(Encoding.UTF8.GetBytes(AnswerInPlace(method, id.GetRawText(), message)));
            }

            // A notification of either era is dropped: the new child dies of it too, and what it could say concerns
            // nothing that child was sent (a notifications/cancelled names a request the dead child had).
            return false;
        }
        catch (JsonException)
        {
            // An empty line or one the guard did not write as JSON: nothing the window decides on.
            return true;
        }
    }

    /// <summary>
    /// The guard's answer to a request the new child must not see before <c>initialize</c>: a 2026-07-28 request
    /// gets the <c>-32601</c> the client falls back on; a 2025 <c>ping</c> its empty result (the connection is
    /// alive, and a ping may precede initialize); any other 2025 request an error saying the server is not
    /// initialized yet.
    /// </summary>
    private static string AnswerInPlace(JsonElement method, string id, JsonElement message)
    {
        var parameters = message.TryGetProperty("params"u8, out var p) ? p : default;
        if (ModernMeta.EraOf(parameters) == ProtocolEra.Modern)
        {
            return FirstRequestShield.MethodNotFound(id);
        }

        var answer = method.ValueEquals("ping"u8)
            ? "\"result\":{}"
            : "\"error\":{\"code\":-32600,\"message\":\"Server not initialized\"}";
        return $$$"""{"jsonrpc":"2.0","id":{{{id}}},{{{answer}}}}""" + "\n";
    }

    private void Close()
    {
        _open = false;
        _answers.Writer.TryComplete();
    }
}
