using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace McpGuard.Http;

/// <summary>Open requests per agent, capped (default 32): one agent cannot take the gateway from the others.</summary>
internal sealed class AgentConcurrency(int max)
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _open = new(StringComparer.Ordinal);

    public bool TryEnter(string agent)
    {
        var count = _open.GetOrAdd(agent, _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref count.Value);
        return false;
    }

    public void Exit(string agent)
    {
        if (_open.TryGetValue(agent, out var count))
        {
            Interlocked.Decrement(ref count.Value);
        }
    }
}
