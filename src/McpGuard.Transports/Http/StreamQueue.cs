using System.Diagnostics.CodeAnalysis;

namespace McpGuard.Http;

/// <summary>
/// A <see cref="ClientStream"/>'s messages in order: the first in a field of its own, a queue only once more than
/// one waits (a POST's stream carries one message, its answer, and then needs no queue at all).
/// </summary>
/// <remarks>A mutable struct, kept in a field and changed in place (never copied), under its stream's lock.</remarks>
internal struct StreamQueue
{
    private OutboundMessage _head;
    private bool _hasHead;
    private Queue<OutboundMessage>? _rest;

    public readonly int Count => (_hasHead ? 1 : 0) + (_rest?.Count ?? 0);

    public void Enqueue(OutboundMessage message)
    {
        if (!_hasHead)
        {
            (_head, _hasHead) = (message, true);
            return;
        }

        (_rest ??= new Queue<OutboundMessage>()).Enqueue(message);
    }

    public bool TryDequeue([MaybeNullWhen(false)] out OutboundMessage message)
    {
        if (!_hasHead)
        {
            message = default;
            return false;
        }

        message = _head;
        _hasHead = _rest is { Count: > 0 } && _rest.TryDequeue(out _head);
        if (!_hasHead)
        {
            _head = default;
        }

        return true;
    }
}
