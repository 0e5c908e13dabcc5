using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using McpGuard.Telemetry;

namespace McpGuard.Benchmarks;

/// <summary>
/// The export thread's encoding of one batch (issue 26): 256 forwarded <c>tools/call</c>s, a SERVER and a CLIENT span
/// each, with the attributes the relay benchmark's calls carry. <c>micro-spans</c> runs it.
/// </summary>
[MemoryDiagnoser]
public class SpanEncoding
{
    private static readonly TraceSession s_session = new("pipe", "pipe", null, "alice");

    private readonly OtlpSpanWriter _writer = new([new("service.name", "mcpguard")], "McpGuard", "1");

    private RequestTrace[] _requests = [];

    public static int Run(string[] args)
    {
        BenchmarkRunner.Run<SpanEncoding>(ManualConfig.Create(DefaultConfig.Instance).AddJob(Job.ShortRun), args);
        return 0;
    }

    [GlobalSetup]
    public void Setup() => _requests = [.. Enumerable.Range(0, 256).Select(i => WithId(new RequestTrace(
        "tools/call", i % 4 == 0 ? "get_tickers" : "place_order", startedAt: 1000 + i)
    {
        Traced = true, TraceIdHigh = (ulong)i + 1, TraceIdLow = 7, ForwardedAt = 2000 + i, EndedAt = 3000 + i,
        Session = s_session, Decision = "allow", Rule = "tools.place_order.rules[0]", Risk = "write",
    }, i))];

    private static RequestTrace WithId(RequestTrace request, int id)
    {
        var text = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.SetId(System.Text.Encoding.UTF8.GetBytes(text));
        return request;
    }

    [Benchmark(Description = "OtlpSpanWriter: 256 forwarded calls (512 spans)")]
    public int Encode() => _writer.Write(_requests, SpanClock.Now()).Count;
}
