using System.Collections.Concurrent;
using McpGuard.Policy;
using StackExchange.Redis;

namespace McpGuard.State;

/// <summary>
/// The Redis keys of counters, remembered: a key is two SHA-256 digests (the namespace's and the identity's),
/// each a call into the native crypto library, and a guard counts the same few counters over and over. The
/// table is emptied when it holds more than <see cref="Capacity"/> identities (per-argument counters can be many).
/// </summary>
internal sealed class RedisCounterKeys
{
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, RedisKey> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisKey> _indexes = new(StringComparer.Ordinal);

    public RedisKey Index(string counterNamespace) =>
        _indexes.GetOrAdd(counterNamespace, static ns => RedisCounterStore.IndexKey(ns));

    /// <summary>The key of the counter whose identity (<see cref="CounterIdentity.Json"/>) is given.</summary>
    public RedisKey Counter(string counterNamespace, string identity)
    {
        if (_counters.TryGetValue(identity, out var key))
        {
            return key;
        }

        if (_counters.Count >= Capacity)
        {
            _counters.Clear();
        }

        key = RedisCounterStore.CounterKey(counterNamespace, identity);
        _counters[identity] = key;
        return key;
    }
}
