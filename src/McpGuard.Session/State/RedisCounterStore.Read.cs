using System.Globalization;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using StackExchange.Redis;

namespace McpGuard.State;

internal sealed partial class RedisCounterStore
{
    public async ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
        string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var readings = new List<CounterReading>();
            var members = await Database.SortedSetRangeByRankAsync(IndexKey(counterNamespace))
                .WaitAsync(cancellationToken);
            foreach (var member in members)
            {
                if (!CounterIdentity.TryRead(member!, out var counter) || counter.Namespace != counterNamespace)
                {
                    continue;
                }

                var read = (RedisResult[])(await Database.ScriptEvaluateAsync(
                        RedisScripts.Read, [CounterKey(counterNamespace, member!)], [Microseconds(counter.Window)])
                    .WaitAsync(cancellationToken))!;
                if (read.Length == 2 && StrictDecimal.TryParseStrict((string)read[0]!, out var used))
                {
                    var resetsIn = long.Parse((string)read[1]!, CultureInfo.InvariantCulture);
                    readings.Add(new CounterReading(counter, used, now + TimeSpan.FromMicroseconds(resetsIn)));
                }
            }

            return readings;
        }
        catch (RedisException ex)
        {
            throw new CounterStoreException($"{Description} cannot be read: {RedisFailure.Describe(ex)}", ex);
        }
    }

    public async ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken)
    {
        try
        {
            var index = IndexKey(counterNamespace);
            var cleared = 0;
            foreach (var member in await Database.SortedSetRangeByRankAsync(index).WaitAsync(cancellationToken))
            {
                if (CounterIdentity.TryRead(member!, out var counter)
                    && counter.Namespace == counterNamespace
                    && counter.Entry == entry)
                {
                    await Database.KeyDeleteAsync(CounterKey(counterNamespace, member!)).WaitAsync(cancellationToken);
                    await Database.SortedSetRemoveAsync(index, member).WaitAsync(cancellationToken);
                    cleared++;
                }
            }

            return cleared;
        }
        catch (RedisException ex)
        {
            throw new CounterStoreException($"{Description} cannot be written: {RedisFailure.Describe(ex)}", ex);
        }
    }
}
