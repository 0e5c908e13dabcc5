using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Stdio;

/// <summary>
/// Watches what the guard writes to a child before any session exists, to tell whether the child died of a 2026-07-28
/// request: armed until the child writes anything or the client sends <c>initialize</c> or any 2025-era message (then a
/// death is a real one); meanwhile it keeps the ids of the modern requests sent, which the guard answers itself if the
/// child dies (<see cref="ShieldedChild"/>, docs/relay.md#a-2025-only-server-and-a-modern-client).
/// </summary>
/// <remarks>
/// A 2025-era message that comes after a modern request, while the child has neither spoken nor died, is held, and
/// so is everything after it: the child may be dying of that request (the Python SDK 1.9.3 does, and the C# SDK's
/// client sends <c>notifications/cancelled</c> and <c>initialize</c> when its probe times out first), so whether
/// those lines are for this child or for the one started in its place is not known yet. They are released to
/// this child once it speaks (<see cref="TakeHeld"/>), or go to its successor through the
/// <see cref="FallbackWindow"/> if it dies.
/// </remarks>
internal sealed class FirstRequestShield
{
    /// <summary>A first message this big is no era probe: stop watching rather than buffer it.</summary>
    private const int MaxWatchedBytes = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly List<string> _modernIds = [];
    private readonly ArrayBufferWriter<byte> _partialLine = new();
    private readonly ArrayBufferWriter<byte> _held = new();
    private readonly TaskCompletionSource _modernRequestSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disarmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _armed = true;
    private volatile bool _hasHeld;

    public bool IsArmed => _armed;

    /// <summary>Lines (or a piece of one) wait in the shield for <see cref="TakeHeld"/>.</summary>
    public bool HasHeld => _hasHeld;

    /// <summary>Completes when the first modern request went to the child while armed.</summary>
    public Task ModernRequestSent => _modernRequestSent.Task;

    /// <summary>Completes when the shield first held a line back from the child.</summary>
    public Task Holding => _holding.Task;

    /// <summary>
    /// Completes when the shield no longer applies (the child spoke, a 2025 session began, it acted).
    /// </summary>
    public Task Disarmed => _disarmed.Task;

    /// <summary>
    /// Bytes the guard is about to write to the child (whole lines or pieces of them); returns what the child may be
    /// sent of them now. Until disarmed, a piece of a line is kept until its end arrives, and lines may be held.
    /// </summary>
    public ReadOnlyMemory<byte> Admit(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (!_armed)
            {
                return bytes.ToArray();
            }

            var passed = new ArrayBufferWriter<byte>(bytes.Length + 1);
            while (_armed && bytes.IndexOf((byte)'\n') is var newline and >= 0)
            {
                _partialLine.Write(bytes[..(newline + 1)]);
                var line = _partialLine.WrittenSpan;
                (_held.WrittenCount > 0 || Holds(line[..^1]) ? _held : passed).Write(line);
                _partialLine.ResetWrittenCount();
                bytes = bytes[(newline + 1)..];
            }

            _partialLine.Write(bytes);
            _hasHeld = _held.WrittenCount > 0 || _partialLine.WrittenCount > 0;
            if (!_armed || _partialLine.WrittenCount > MaxWatchedBytes)
            {
                // A 2025 session began, or the line is too big to be a probe: nothing more is watched or held.
                Disarm();
                passed.Write(TakeHeldLocked().Span);
            }

            return passed.WrittenMemory;
        }
    }

    /// <summary>The child wrote something: it is alive and speaking, so a later death is a real one.</summary>
    public void OnChildSpoke() => Disarm();

    /// <summary>
    /// Stops watching: the lines held for a child that neither spoke nor died in time go to it as they are.
    /// </summary>
    public void GiveUp() => Disarm();

    /// <summary>
    /// What the shield kept back from the child, in order: held lines, then any piece of a line. Once disarmed,
    /// the guard writes these before anything else (to the same child, or through the window to its successor).
    /// </summary>
    public ReadOnlyMemory<byte> TakeHeld()
    {
        lock (_lock)
        {
            return TakeHeldLocked();
        }
    }

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

    private ReadOnlyMemory<byte> TakeHeldLocked()
    {
        var held = new byte[_held.WrittenCount + _partialLine.WrittenCount];
        _held.WrittenSpan.CopyTo(held);
        _partialLine.WrittenSpan.CopyTo(held.AsSpan(_held.WrittenCount));
        _held.ResetWrittenCount();
        _partialLine.ResetWrittenCount();
        _hasHeld = false;
        return held;
    }

    /// <summary>
    /// Whether <paramref name="line"/> (no newline) is held back; a modern request passes and is remembered, a
    /// 2025-era message disarms unless a modern request went before it (the child may be dying of that).
    /// </summary>
    private bool Holds(ReadOnlySpan<byte> line)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var message = document.RootElement;
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("method"u8, out var method))
            {
                return false;
            }

            var parameters = message.TryGetProperty("params"u8, out var p) ? p : default;
            if (method.ValueEquals("initialize"u8) || ModernMeta.EraOf(parameters) != ProtocolEra.Modern)
            {
                // A 2025-era message: a session of that era is starting, and the child may act on it.
                return HoldOrDisarm();
            }

            if (message.TryGetProperty("id"u8, out var id))
            {
                _modernIds.Add(id.GetRawText());
                _modernRequestSent.TrySetResult();
            }

            return false;
        }
        catch (JsonException)
        {
            return HoldOrDisarm();
        }
    }

    private bool HoldOrDisarm()
    {
        if (_modernIds.Count == 0)
        {
            _armed = false;
            return false;
        }

        _holding.TrySetResult();
        return true;
    }

    private void Disarm()
    {
        _armed = false;
        _disarmed.TrySetResult();
    }
}
