using System.Collections.Concurrent;

namespace McpGuard.Session;

/// <summary>
/// Client requests the client cancelled after they went to the server, by id: the server may still answer one
/// (a cancelled request SHOULD NOT be answered, but the Python SDK's servers do), and that late answer carries the
/// id. While one is here its id is not taken for a new request (<see cref="RequestIdStage"/>), so a late answer
/// can never pass for a new request's (docs/relay.md#ids); its late answer takes it out, and is dropped. Bounded:
/// past <see cref="Capacity"/> the oldest is forgotten (a server that never answers cancelled requests would
/// otherwise grow it for the session's life).
/// </summary>
internal sealed class WithdrawnRequests
{
    /// <summary>How many are remembered at most.</summary>
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, WithdrawnRequest> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _orderLock = new();
    private int _count;

    /// <summary>Whether the id is one of a cancelled request the server may still answer.</summary>
    public bool Contains(JsonRpcId id) => Volatile.Read(ref _count) != 0 && _byId.ContainsKey(id.Key);

    /// <summary>Remembers a cancelled request that went to the server; <paramref name="call"/>: a tools/call.</summary>
    public void Add(JsonRpcId id, ForwardedCall? call)
    {
        if (!_byId.TryAdd(id.Key, new WithdrawnRequest(id, call)))
        {
            return;
        }

        Interlocked.Increment(ref _count);
        lock (_orderLock)
        {
            _order.Enqueue(id.Key);
            while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                if (_byId.TryRemove(oldest, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }

    /// <summary>Takes out the cancelled request an answer of the server names, if it is one.</summary>
    public bool TryTake(JsonRpcId id, out WithdrawnRequest request)
    {
        if (Volatile.Read(ref _count) != 0 && _byId.TryRemove(id.Key, out request!))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        request = null!;
        return false;
    }
}

/// <summary>A request the client cancelled after it went to the server; <see cref="Call"/> for a tools/call.</summary>
internal sealed record WithdrawnRequest(JsonRpcId Id, ForwardedCall? Call);
