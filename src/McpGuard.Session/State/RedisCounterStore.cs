using System.Globalization;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace McpGuard.State;

/// <summary>
/// Counters in Redis, shared by every guard that reaches it, on any machine (docs/limits.md#redis). One script
/// per decision (<see cref="RedisScripts.Count"/>) makes check-and-count atomic; every counter key expires with
/// its newest call, so Redis holds only what is counted in the windows. The connection is made in the
/// background and remade when Redis comes back; while it is down, decisions fail at once (no queueing) and the
/// engine answers them as unavailable. Keys: <c>mcpguard:{namespace hash}:c:{identity hash}</c>, and the
/// namespace's index <c>mcpguard:{namespace hash}:index</c> (a sorted set of identities, by expiry).
/// </summary>
internal sealed partial class RedisCounterStore : ICounterStore, IAsyncDisposable
{
    private static readonly RedisScript s_count = new(RedisScripts.Count);
    private static readonly RedisScript s_giveBack = new(RedisScripts.GiveBack);
    private static readonly RedisScript s_check = new(RedisScripts.Check);
    private static readonly TimeSpan s_probeAtLeast = TimeSpan.FromSeconds(2);

    private readonly ConnectionMultiplexer _redis;
    private readonly int _database;
    private readonly RedisCounterKeys _keys = new();

    private RedisCounterStore(ConnectionMultiplexer redis, int database, string description)
    {
        _redis = redis;
        _database = database;
        Description = description;
    }

    public string Description { get; }

    /// <summary>Starts connecting (never waits for Redis to be up: a guard starts, and counts once it can).</summary>
    public static Task<RedisCounterStore> ConnectAsync(string url, TimeSpan timeout, ILogger logger) =>
        ConnectAsync(url, timeout, logger, RedisStartProbe.FindAsync);

    /// <param name="probe">Why Redis was not connected at start (<see cref="RedisStartProbe"/>; a test's own).</param>
    internal static async Task<RedisCounterStore> ConnectAsync(
        string url, TimeSpan timeout, ILogger logger, Func<RedisProbeTarget, TimeSpan, Task<RedisStartFinding>> probe)
    {
        var (options, target, database) = RedisConnection.FromUrl(url, timeout);
        var redis = await ConnectionMultiplexer.ConnectAsync(options, TextWriter.Null);
        var store = new RedisCounterStore(
            redis, database, $"the Redis store at {target.Host}:{target.Port}/{database}");
        var reachability = new ReachabilityReport();
        var connectedBefore = redis.IsConnected;

        // Said before the client's events are followed: its heartbeat ends the unanswered first handshake about when
        // the probe runs, and that event said "cannot be reached (UnableToConnect)" of a Redis that was only slow;
        // a reconnect while probing left the store said down though connected, and its next outage unsaid.
        if (!connectedBefore)
        {
            // At least 2 s for the probe whatever state.timeout is: on a loaded machine a shorter wait would call a
            // Redis that answers silent, the very guess the probe is there to replace.
            var probeTimeout = timeout > s_probeAtLeast ? timeout : s_probeAtLeast;
            var finding = await probe(target, probeTimeout);
            reachability.WentDown();
            LogStart(logger, store.Description, Duration.Format(timeout), Duration.Format(probeTimeout), finding);
        }

        redis.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && reachability.WentDown())
            {
                LogUnreachable(logger, store.Description, e.FailureType.ToString());
            }
        };
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && reachability.CameBack())
            {
                if (Volatile.Read(ref connectedBefore))
                {
                    LogReachableAgain(logger, store.Description);
                }
                else
                {
                    LogReachableNow(logger, store.Description);
                }
            }

            Volatile.Write(ref connectedBefore, true);
        };

        // Connected while the start was said, before the events were followed: said here, or by the event if it comes
        // now (whichever ends the outage first says it).
        if (!Volatile.Read(ref connectedBefore) && redis.IsConnected && reachability.CameBack())
        {
            LogReachableNow(logger, store.Description);
            Volatile.Write(ref connectedBefore, true);
        }

        return store;
    }

    public async ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (keys, values) = ScriptArguments(demands);
        try
        {
            var result = (RedisResult[])(await s_count.EvaluateAsync(Database, keys, values)
                .WaitAsync(cancellationToken))!;
            if ((string?)result[0] == "refused")
            {
                return new CountOutcome.Refused((int)result[1], TimeSpan.FromMicroseconds((long)result[2]));
            }

            var counted = new CountedAmount[demands.Count];
            for (var i = 0; i < demands.Count; i++)
            {
                var bucketOpenedTicks = long.Parse((string)result[i + 1]!, CultureInfo.InvariantCulture);
                counted[i] = new CountedAmount(demands[i].Counter, bucketOpenedTicks, demands[i].Amount);
            }

            return new CountOutcome.Counted(new CountReceipt(counted));
        }
        catch (RedisException ex)
        {
            return new CountOutcome.Unavailable(RedisFailure.Describe(ex));
        }
    }

    public async ValueTask<CountOutcome> CheckAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (keys, values) = ScriptArguments(demands);
        try
        {
            var result = (RedisResult[])(await s_check.EvaluateAsync(Database, keys, values)
                .WaitAsync(cancellationToken))!;
            return (string?)result[0] == "refused"
                ? new CountOutcome.Refused((int)result[1], TimeSpan.FromMicroseconds((long)result[2]))
                : CountOutcome.Fits.Instance;
        }
        catch (RedisException ex)
        {
            return new CountOutcome.Unavailable(RedisFailure.Describe(ex));
        }
    }

    /// <summary>The keys and values of <see cref="RedisScripts.Count"/> and <see cref="RedisScripts.Check"/>.</summary>
    private (RedisKey[] Keys, RedisValue[] Values) ScriptArguments(IReadOnlyList<CounterDemand> demands)
    {
        var keys = new RedisKey[demands.Count + 1];
        var values = new RedisValue[demands.Count * 4 + 1];
        keys[0] = _keys.Index(demands[0].Counter.Namespace);
        values[0] = demands.Count;
        for (var i = 0; i < demands.Count; i++)
        {
            var demand = demands[i];
            var identity = CounterIdentity.Json(demand.Counter);
            keys[i + 1] = _keys.Counter(demand.Counter.Namespace, identity);
            values[i * 4 + 1] = Microseconds(demand.Counter.Window);
            values[i * 4 + 2] = demand.Amount.ToString();
            values[i * 4 + 3] = demand.Max.ToString();
            values[i * 4 + 4] = identity;
        }

        return (keys, values);
    }

    public async ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            // Sent together, so the multiplexer writes them in one go: one round trip for all of a call's counters.
            var pending = new Task<RedisResult>[receipt.Counted.Count];
            for (var i = 0; i < pending.Length; i++)
            {
                var counted = receipt.Counted[i];
                var key = _keys.Counter(counted.Counter.Namespace, CounterIdentity.Json(counted.Counter));
                RedisValue[] values =
                    [counted.BucketOpenedTicks.ToString(CultureInfo.InvariantCulture), counted.Amount.ToString()];
                pending[i] = s_giveBack.EvaluateAsync(Database, [key], values);
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken);
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    /// <summary>Completes when the connection is up (at once if it is): for tests, which must not poll.</summary>
    internal async Task WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRestored(object? sender, ConnectionFailedEventArgs e) => restored.TrySetResult();
        _redis.ConnectionRestored += OnRestored;
        try
        {
            if (!_redis.IsConnected)
            {
                await restored.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            _redis.ConnectionRestored -= OnRestored;
        }
    }

    private IDatabase Database => _redis.GetDatabase(_database);

    internal static RedisKey IndexKey(string counterNamespace) =>
        $"mcpguard:{{{CounterIdentity.Hash(counterNamespace)}}}:index";

    /// <summary>
    /// The namespace's hash in braces (a Redis Cluster hash tag) keeps every counter of one decision on one shard.
    /// </summary>
    internal static RedisKey CounterKey(string counterNamespace, string identity) =>
        $"mcpguard:{{{CounterIdentity.Hash(counterNamespace)}}}:c:{CounterIdentity.Hash(identity)}";

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Store} cannot be reached ({Failure}); calls that need a counter are denied"
            + " (or forwarded uncounted with state.on_unavailable: allow) until it is back.")]
    private static partial void LogUnreachable(ILogger logger, string store, string failure);

    /// <summary>
    /// Says what the probe saw: a Redis that accepts connections is not called unreachable, one that answers now is
    /// not called slow (the first connection was held up on this machine or on the way: a loaded machine), so the
    /// "reachable now" line that usually follows is no surprise.
    /// </summary>
    private static void LogStart(
        ILogger logger, string store, string timeout, string probeTimeout, RedisStartFinding finding)
    {
        switch (finding)
        {
            case RedisStartFinding.Unreachable unreachable:
                LogUnreachable(logger, store, unreachable.Why);
                break;
            case RedisStartFinding.Answered answered:
                LogAnsweredAtStart(logger, store, timeout,
                    Math.Max(1, Math.Ceiling(answered.Took.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)
                        + " ms",
                    MachineLoad.Said());
                break;
            case RedisStartFinding.CredentialsRefused refused:
                LogRefusedAtStart(logger, store, refused.Said);
                break;
            case RedisStartFinding.ErrorAnswer error:
                LogErrorAtStart(logger, store, timeout, error.Said);
                break;
            case RedisStartFinding.Silent:
                LogSilentAtStart(logger, store, timeout, probeTimeout, MachineLoad.Said());
                break;
            default:
                LogAcceptsAtStart(logger, store, timeout);
                break;
        }
    }

    private const string DeniedUntil = "Calls that need a counter are denied (or forwarded uncounted with"
        + " state.on_unavailable: allow) until it does. Trying again every second.";

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "The guard's first connection to {Store} did not finish within {Timeout} (state.timeout), but Redis"
            + " answered a PING on another in {Took}: Redis is up; the first connection was held up on this machine"
            + " or on the way (a loaded machine, a slow network){Load}. " + DeniedUntil)]
    private static partial void LogAnsweredAtStart(
        ILogger logger, string store, string timeout, string took, string load);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Store} refused the guard's credentials (it said: {Said}); calls that need a counter are denied"
            + " (or forwarded uncounted with state.on_unavailable: allow) until it accepts them. Check the user and"
            + " password in state.url. Trying again every second.")]
    private static partial void LogRefusedAtStart(ILogger logger, string store, string said);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "The guard's first connection to {Store} did not finish within {Timeout} (state.timeout), and Redis"
            + " answered a PING on another with an error (it said: {Said}): Redis is up but not serving. "
            + DeniedUntil)]
    private static partial void LogErrorAtStart(ILogger logger, string store, string timeout, string said);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Store} accepts connections but answered neither the guard's first one within {Timeout}"
            + " (state.timeout) nor a PING within {ProbeTimeout}: a Redis that is slow or stuck, something else on that"
            + " port, or this machine too busy to read the answer{Load}. " + DeniedUntil)]
    private static partial void LogSilentAtStart(
        ILogger logger, string store, string timeout, string probeTimeout, string load);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Store} accepts connections but the guard's first TLS connection did not finish within {Timeout}"
            + " (state.timeout: a loaded machine, a slow Redis, or a handshake or credentials it refused). "
            + DeniedUntil)]
    private static partial void LogAcceptsAtStart(ILogger logger, string store, string timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Store} is reachable again; limits count there again.")]
    private static partial void LogReachableAgain(ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Store} is reachable now; limits count there.")]
    private static partial void LogReachableNow(ILogger logger, string store);

    private static long Microseconds(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;
}
