using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Limits;
using McpGuard.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Benchmarks;

/// <summary>
/// One counted call (a rate limit and a budget, as the sample's place_order) in each store, side by side:
/// memory (the baseline), SQLite on a local file (WAL, one immediate transaction) and Redis on loopback (one
/// script). The durable store's extra cost is its median minus the memory one's (docs/limits.md#cost).
/// Redis needs redis-server on the PATH: the benchmark starts its own on a free loopback port.
/// </summary>
[MemoryDiagnoser]
public class CounterStoreBenchmarks
{
    private const string Policy =
        "version: 1\ndefault: allow\ntools:\n  place_order:\n    rate_limit: { max: 2000000000, window: 60s }\n"
        + "    budget: { argument: qty, max: 1000000000000, window: 24h }\n    action: allow\n";

    private readonly string _directory = Path.Combine(
        Path.GetTempPath(), "mcpguard-bench-" + Guid.NewGuid().ToString("n"));
    private Process? _redis;
    private ICounterStore? _sqliteStore;
    private ICounterStore? _redisStore;
    private PolicyEngine _memory = null!;
    private PolicyEngine _sqlite = null!;
    private PolicyEngine _redisEngine = null!;
    private ToolRequest _request = null!;

    public static int Run(string[] args)
    {
        // In process: no second build of the project (BenchmarkDotNet's own build timed out on this shared 2-core
        // machine), and the median is the p50 the target is about.
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        BenchmarkRunner.Run<CounterStoreBenchmarks>(config, args);
        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        var policy = PolicyLoader.LoadText(Policy, Path.Combine(_directory, "policy.yaml")).Policy!;
        _request = new ToolRequest
        {
            ToolName = "place_order",
            Arguments = JsonDocument.Parse("""{"symbol":"BTCUSDT","qty":"0.005"}""").RootElement.Clone()
        };
        Directory.CreateDirectory(_directory);
        _memory = new PolicyEngine(policy);
        var path = Path.Combine(_directory, "state.db");
        _sqliteStore = new SqliteCounterStore(path, TimeSpan.FromSeconds(2), path);
        _sqlite = new PolicyEngine(policy, counters: _sqliteStore);
        _redis = StartRedis(out var port);

        _redisStore =
            RedisCounterStore.ConnectAsync($"redis://127.0.0.1:{port}/0", TimeSpan.FromSeconds(2), NullLogger.Instance)
            .GetAwaiter().GetResult();
        _redisEngine = new PolicyEngine(policy, counters: _redisStore);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_sqliteStore as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        (_redisStore as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _redis?.Kill();
        _redis?.WaitForExit();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "counted call: memory")]
    public async Task<bool> Memory() =>
        (await _memory.TryConsumeAsync(_request, CancellationToken.None)).Decision.IsAllowed;

    [Benchmark(Description = "counted call: SQLite (WAL, BEGIN IMMEDIATE)")]
    public async Task<bool> Sqlite() =>
        (await _sqlite.TryConsumeAsync(_request, CancellationToken.None)).Decision.IsAllowed;

    [Benchmark(Description = "counted call: Redis on loopback (one script)")]
    public async Task<bool> Redis() =>
        (await _redisEngine.TryConsumeAsync(_request, CancellationToken.None)).Decision.IsAllowed;

    /// <summary>A throwaway redis-server on a free loopback port, returned once it accepts connections.</summary>
    internal static Process StartRedis(out int port)
    {
        port = FreePort();
        var redis = Process.Start(
            new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false
            })!;
        while (redis.StandardOutput.ReadLine() is { } line
            && !line.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
        }

        return redis;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
