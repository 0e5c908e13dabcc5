using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using McpGuard.Session;

namespace McpGuard.Stdio;

/// <summary>
/// The time between a restart by <see cref="ShieldedChild"/> and the client's <c>initialize</c> reaching the new
/// child. That child is known to die of any request before <c>initialize</c> (its predecessor did), so while the
/// window is open the guard answers every 2026-07-28 request meant for it (the client's, and the guard's own
/// <c>tools/list</c>, which carries the client's <c>_meta</c>) with the <c>-32601</c> a 2025 server gives, drops the
/// other 2026-07-28 messages (notifications), and passes the rest: the new child sees <c>initialize</c> first
/// (docs/relay.md#a-2025-only-server-and-a-modern-client). Writes come under <see cref="ShieldedInput"/>'s lock.
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

            var parameters = message.TryGetProperty("params"u8, out var p) ? p : default;
            if (ModernMeta.EraOf(parameters) != ProtocolEra.Modern)
            {
                return true;
            }

            if (message.TryGetProperty("id"u8, out var id))
            {
                _answers.Writer.TryWrite(Encoding.UTF8.GetBytes(FirstRequestShield.MethodNotFound(id.GetRawText())));
            }

            return false;
        }
        catch (JsonException)
        {
            // An empty line or one the guard did not write as JSON: nothing the window decides on.
            return true;
        }
    }

    private void Close()
    {
        _open = false;
        _answers.Writer.TryComplete();
    }
}
