using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Benchmarks;

/// <summary>
/// <c>counters-latency [calls]</c>: the p50/p99 of one counted call (TryConsumeAsync with a rate limit and a
/// budget) in memory, SQLite and Redis, measured call by call in one process, side by side. Quicker than the
/// BenchmarkDotNet class and reports percentiles, which the target (SQLite adds at most 50 µs at p50) is about.
/// Each store is measured twice: fresh (a few buckets per counter) and with full windows, as after minutes of
/// traffic (the warm-up runs on a clock that opens a new bucket of the 60 s limit per call, then calls arrive
/// 1 ms apart, as in a busy relay). Redis's script reads the server's clock, not the engine's, so its full-window
/// row uses a 1 s rate limit instead: after a second of calls its window holds its 1,024 buckets (one per
/// 0.98 ms), the same number a 60 s limit holds after a minute, and the buckets then leave as fast as they open.
/// </summary>
internal static class CounterStoreLatency
{
    private const string Policy = "version: 1\ndefault: allow\ntools:\n  place_order:\n"
        + "    rate_limit: { max: 2000000000, window: 60s }\n"
        + "    budget: { argument: qty, max: 1000000000000, window: 24h }\n"
        + "    action: allow\n";

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var directory = Directory.CreateTempSubdirectory("mcpguard-bench-").FullName;
        var policyPath = Path.Combine(directory, "policy.yaml");
        var policy = PolicyLoader.LoadText(Policy, policyPath).Policy!;
        var request = new ToolRequest
        {
            ToolName = "place_order",
            Arguments = JsonDocument.Parse("""{"symbol":"BTCUSDT","qty":"0.005"}""").RootElement.Clone(),
        };
        var path = Path.Combine(directory, "state.db");
        await using var sqlite = new SqliteCounterStore(path, TimeSpan.FromSeconds(2), path);
        using var redisServer = CounterStoreBenchmarks.StartRedis(out var port);
        await using var redis = await RedisCounterStore.ConnectAsync(
            $"redis://127.0.0.1:{port}/0", TimeSpan.FromSeconds(2), NullLogger.Instance);
        try
        {
            Console.WriteLine(
                $"One counted call (rate limit + budget), {calls} calls each after {calls / 10} warm-up calls:");
            Console.WriteLine("store     p50 µs   p99 µs   allowed");
            var memory = await MeasureAsync("memory", new PolicyEngine(policy), request, calls);
            var durable = await MeasureAsync("sqlite", new PolicyEngine(policy, counters: sqlite), request, calls);
            await ResetServerStatsAsync(port);
            var remote = await MeasureAsync("redis", new PolicyEngine(policy, counters: redis), request, calls);
            var ping = await PingMicrosecondsAsync(port, calls);
            Console.WriteLine(
                $"Redis adds {remote - memory:0.0} µs at p50 over memory; one round trip (PING, p50) takes"
                    + $" {ping:0.0} µs: the target is at most {ping + 50:0.0}.");
            Console.WriteLine(
                $"Redis spent {await ServerScriptMicrosecondsAsync(port):0.0} µs per script in the server"
                    + " (its own figure, warm-up included).");
            Console.WriteLine($"SQLite adds {durable - memory:0.0} µs at p50 over memory.");

            // Full windows: new counters (another namespace), so the fresh rows above do not leak into these.
            var fullText = Policy.Replace(
                "version: 1\n", "version: 1\nstate: { namespace: full }\n", StringComparison.Ordinal);
            var full = PolicyLoader.LoadText(fullText, policyPath).Policy!;
            Console.WriteLine("Full windows (1,024 buckets in the 60 s limit), calls 1 ms apart:");
            var memoryFull = await MeasureAsync("memory", clock => new PolicyEngine(full, clock), request, calls);
            var durableFull = await MeasureAsync(
                "sqlite", clock => new PolicyEngine(full, clock, sqlite), request, calls);
            Console.WriteLine($"SQLite adds {durableFull - memoryFull:0.0} µs at p50 over memory with full windows.");

            var redisFullText = Policy
                .Replace("version: 1\n", "version: 1\nstate: { namespace: full-redis }\n", StringComparison.Ordinal)
                .Replace("window: 60s", "window: 1s", StringComparison.Ordinal);
            var redisFull = PolicyLoader.LoadText(redisFullText, policyPath).Policy!;
            Console.WriteLine("Full windows in Redis (a 1 s rate limit on the server's clock, after 1.2 s of calls):");
            await MeasureFullRedisAsync(new PolicyEngine(redisFull, counters: redis), request, calls, port);
            Console.WriteLine(
                $"Redis spent {await ServerScriptMicrosecondsAsync(port):0.0} µs per script in the server"
                    + " with full windows.");
            Console.WriteLine($"Buckets per Redis counter afterwards: {await BucketsAsync(port)}.");
        }
        finally
        {
            redisServer.Kill();
            await redisServer.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    private static async Task MeasureFullRedisAsync(PolicyEngine engine, ToolRequest request, int calls, int port)
    {
        var filling = Stopwatch.StartNew();
        while (filling.Elapsed < TimeSpan.FromSeconds(1.2))
        {
            await engine.TryConsumeAsync(request, CancellationToken.None);
        }

        await ResetServerStatsAsync(port);

        await MeasureAsync("redis", engine, request, calls, warmup: 0, clock: null);
    }

    /// <summary>
    /// The p50 of one PING on its own connection: a Redis round trip on this machine, the unit of the Redis target.
    /// </summary>
    private static async Task<double> PingMicrosecondsAsync(int port, int calls)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
        var database = connection.GetDatabase();
        var samples = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            samples[i] = (await database.PingAsync()).TotalMicroseconds;
        }

        Array.Sort(samples);
        return samples[calls / 2];
    }

    private static async Task ResetServerStatsAsync(int port)
    {
        await using var connection =
            await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true");
        await connection.GetServer($"127.0.0.1:{port}").ConfigResetStatisticsAsync();
    }

    /// <summary>
    /// The server's own time per EVAL/EVALSHA since the last reset (INFO commandstats): what the script costs,
    /// without the client, the loopback round trip or the scheduling of a loaded machine around it.
    /// </summary>
    private static async Task<double> ServerScriptMicrosecondsAsync(int port)
    {
        await using var connection =
            await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true");
        long calls = 0, microseconds = 0;
        foreach (var group in await connection.GetServer($"127.0.0.1:{port}").InfoAsync("commandstats"))
        {
            foreach (var stat in group.Where(s => s.Key is "cmdstat_eval" or "cmdstat_evalsha"))
            {
                var fields = stat.Value.Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
                calls += long.Parse(fields["calls"], CultureInfo.InvariantCulture);
                microseconds += long.Parse(fields["usec"], CultureInfo.InvariantCulture);
            }
        }

        return calls == 0 ? 0 : (double)microseconds / calls;
    }

    /// <summary>
    /// The length of every counter list of the full-window namespace (its two counters), largest first.
    /// </summary>
    private static async Task<string> BucketsAsync(int port)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
        var database = connection.GetDatabase();
        var lengths = new List<long>();
        var pattern = $"mcpguard:{{{CounterIdentity.Hash("full-redis")}}}:c:*";
        foreach (var key in connection.GetServer($"127.0.0.1:{port}").Keys(pattern: pattern))
        {
            lengths.Add(await database.ListLengthAsync(key));
        }

        return string.Join(", ", lengths.OrderDescending());
    }

    private static Task<double> MeasureAsync(string name, PolicyEngine engine, ToolRequest request, int calls) =>
        MeasureAsync(name, engine, request, calls, calls / 10, clock: null);

    private static Task<double> MeasureAsync(
        string name, Func<TimeProvider, PolicyEngine> build, ToolRequest request, int calls)
    {
        // A new bucket of the 60 s window per warm-up call (window / 1024 ≈ 58.6 ms) fills it in 1,100 calls.
        var clock = new SteppingClock(DateTimeOffset.UtcNow) { Step = TimeSpan.FromMilliseconds(60) };
        return MeasureAsync(name, build(clock), request, calls, 1100, clock);
    }

    private static async Task<double> MeasureAsync(
        string name, PolicyEngine engine, ToolRequest request, int calls, int warmup, SteppingClock? clock)
    {
        for (var i = 0; i < warmup; i++)
        {
            await engine.TryConsumeAsync(request, CancellationToken.None);
        }

        if (clock is not null)
        {
            clock.Step = TimeSpan.FromMilliseconds(1);
        }

        var samples = new double[calls];
        var allowed = 0;
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var outcome = await engine.TryConsumeAsync(request, CancellationToken.None);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            allowed += outcome.Decision.IsAllowed ? 1 : 0;
        }

        Array.Sort(samples);
        var p50 = samples[calls / 2];
        var p99 = samples[calls * 99 / 100];
        Console.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"{name,-8} {p50,7:0.0}  {p99,7:0.0}   {allowed}/{calls}"));
        return p50;
    }
}
