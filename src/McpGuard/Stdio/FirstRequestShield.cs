using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Stdio;

/// <summary>
/// Watches what the guard writes to a child before any session exists, to tell whether the child died of a 2026-07-28
/// request: armed until the child writes anything or the client sends <c>initialize</c> or any 2025-era request (then a
/// death is a real one); meanwhile it keeps the ids of the modern requests sent, which the guard answers itself if the
/// child dies (<see cref="ShieldedChild"/>, docs/relay.md#a-2025-only-server-and-a-modern-client).
/// </summary>
internal sealed class FirstRequestShield
{
    /// <summary>A first message this big is no era probe: stop watching rather than buffer it.</summary>
    private const int MaxWatchedBytes = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly List<string> _modernIds = [];
    private readonly ArrayBufferWriter<byte> _partialLine = new();
    private readonly TaskCompletionSource _modernRequestSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disarmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _armed = true;

    public bool IsArmed => _armed;

    /// <summary>Completes when the first modern request went to the child while armed.</summary>
    public Task ModernRequestSent => _modernRequestSent.Task;

    /// <summary>
    /// Completes when the shield no longer applies (the child spoke, a 2025 session began, it acted).
    /// </summary>
    public Task Disarmed => _disarmed.Task;

    /// <summary>Bytes the guard wrote to the child (whole lines or pieces of them).</summary>
    public void OnWritten(ReadOnlySpan<byte> bytes)
    {
        if (!_armed)
        {
            return;
        }

        lock (_lock)
        {
            while (_armed && bytes.IndexOf((byte)'\n') is var newline and >= 0)
            {
                _partialLine.Write(bytes[..newline]);
                Classify(_partialLine.WrittenSpan);
                _partialLine.ResetWrittenCount();
                bytes = bytes[(newline + 1)..];
            }

            _partialLine.Write(bytes);
            if (_partialLine.WrittenCount > MaxWatchedBytes)
            {
                Disarm();
            }
        }
    }

    /// <summary>The child wrote something: it is alive and speaking, so a later death is a real one.</summary>
    public void OnChildSpoke() => Disarm();

    /// <summary>
    /// At the child's death: the answers the guard gives in its place (one JSON-RPC error line per modern request
    /// it was sent), or null when the shield does not apply. Disarms: the shield acts at most once.
    /// </summary>
    public byte[]? TakeAnswers()
    {
        lock (_lock)
        {
            var answers = _armed && _modernIds.Count > 0
                ? Encoding.UTF8.GetBytes(string.Concat(_modernIds.Select(MethodNotFound)))
                : null;
            Disarm();
            return answers;
        }
    }

    /// <summary>
    /// What a 2025-era server says to a method it does not know, the answer a modern client falls back on.
    /// </summary>
    public static string MethodNotFound(string id) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":-32601,"message":"Method not found"}}""" + "\n";

    private void Classify(ReadOnlySpan<byte> line)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var message = document.RootElement;
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("method"u8, out var method))
            {
                return;
            }

            var parameters = message.TryGetProperty("params"u8, out var p) ? p : default;
            if (method.ValueEquals("initialize"u8) || ModernMeta.EraOf(parameters) != ProtocolEra.Modern)
            {
                // A 2025-era message: a session of that era is starting, and the child may act on it.
                Disarm();
            }
            else if (message.TryGetProperty("id"u8, out var id))
            {
                _modernIds.Add(id.GetRawText());
                _modernRequestSent.TrySetResult();
            }
        }
        catch (JsonException)
        {
            Disarm();
        }
    }

    private void Disarm()
    {
        _armed = false;
        _disarmed.TrySetResult();
    }
}
