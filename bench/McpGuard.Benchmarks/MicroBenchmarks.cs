using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Benchmarks;

/// <summary>
/// The per-message costs: framing, strict validation, the server-side scan, and the policy evaluator.
/// </summary>
[MemoryDiagnoser]
public class MicroBenchmarks
{
    private static readonly byte[] s_call = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"place_order","arguments":"""
            + """{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.005"}}}""");
    private static readonly byte[] s_result1K = Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + new string('x', 1000)
            + "\"}]}}");
    private static readonly byte[] s_result1M = Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
            + new string('x', 1 << 20) + "\"}]}}");
    private ReadOnlySequence<byte> _batch;
    private PolicyEngine _engine = null!;
    private ToolRequest _request = null!;
    private ToolRequest _readRequest = null!;

    public static int Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance).AddJob(Job.ShortRun);
        BenchmarkRunner.Run<MicroBenchmarks>(config, args);
        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        // 100 pipelined calls split over 4 KB segments, as a pipe delivers them.
        var bytes = Enumerable.Repeat(s_call.Append((byte)'\n'), 100).SelectMany(b => b).ToArray();
        _batch = Segments.Of(bytes, 4096);
        var policy = new StringBuilder(
            "version: 1\ndefault: deny\nhide: [batch_cancel_order, 'cancel_all_*']\nrisk: { read: allow }\ntools:\n");
        for (var i = 0; i < 48; i++)
        {
            policy.Append(
                System.Globalization.CultureInfo.InvariantCulture,
                $"  tool_{i}:\n    rules:\n      - when: {{ qty: {{ lte: {i} }}, symbol: [A, B] }}\n"
                    + $"        action: allow\n    action: deny\n");
        }

        policy.Append(
            "  place_order:\n    rate_limit: { max: 2000000000, window: 60s }\n"
            + "    budget: { argument: qty, max: 1000000000000, window: 24h }\n    rules:\n"
            + "      - when: { symbol: [BTCUSDT, ETHUSDT], category: spot, qty: { lte: 0.01 } }\n"
            + "        action: allow\n      - action: require_approval\n");
        policy.Append("  'get_*': allow\n");
        _engine = new PolicyEngine(PolicyLoader.LoadText(policy.ToString(), "bench").Policy!);
        using var document = JsonDocument.Parse(s_call);
        _request = new ToolRequest
        {
            ToolName = "place_order",
            Arguments = document.RootElement.GetProperty("params").GetProperty("arguments").Clone()
        };
        _readRequest = new ToolRequest
        {
            ToolName = "get_tickers",
            Arguments = JsonDocument.Parse("""{"category":"spot","symbol":"BTCUSDT"}""").RootElement.Clone()
        };
    }

    [Benchmark(Description = "LineFramer: 100 calls in 4 KB segments")]
    public int Frame()
    {
        var framer = new LineFramer(1 << 28);
        var buffer = _batch;
        var count = 0;
        while (framer.TryReadLine(ref buffer, out _))
        {
            count++;
        }

        return count;
    }

    [Benchmark(Description = "ClientMessageValidator: one tools/call")]
    public bool Validate()
    {
        if (!ClientMessageValidator.Validate(new ReadOnlySequence<byte>(s_call)).Accepted(out var message))
        {
            return false;
        }

        message.Dispose();
        return true;
    }

    [Benchmark(Description = "ServerMessageHeader: 1 KB result")]
    public bool Header1K() => ServerMessageHeader.TryRead(new ReadOnlySequence<byte>(s_result1K), out _);

    [Benchmark(Description = "ServerMessageHeader: 1 MB result")]
    public bool Header1M() => ServerMessageHeader.TryRead(new ReadOnlySequence<byte>(s_result1M), out _);

    [Benchmark(Description = "PolicyEngine.Evaluate: 50 entries, 3 conditions")]
    public Verdict Evaluate() => _engine.Evaluate(_request).Verdict;

    [Benchmark(Description = "PolicyEngine.Evaluate: read tool by glob")]
    public Verdict EvaluateRead() => _engine.Evaluate(_readRequest).Verdict;

    /// <summary>
    /// What the guard does for an allowed call with limits: decide, then count it (rate limit and budget).
    /// </summary>
    [Benchmark(Description = "Evaluate + TryConsumeAsync (memory): rate limit and budget")]
    public Verdict EvaluateAndConsume()
    {
        if (_engine.Evaluate(_request).Verdict != Verdict.Allow)
        {
            return Verdict.Deny;
        }

        // The memory store answers at once, so this never waits.
        var counting = _engine.TryConsumeAsync(_request, CancellationToken.None);
        return counting.IsCompletedSuccessfully ? counting.Result.Decision.Verdict : Verdict.Deny;
    }
}
