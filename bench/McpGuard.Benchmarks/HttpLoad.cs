using System.Diagnostics;

namespace McpGuard.Benchmarks;

/// <summary>The HTTP rows' workloads against one endpoint: sequential latency, throughput of many clients.</summary>
internal static class HttpLoad
{
    public const int Clients = 64;

    /// <summary>The least time the interleaved latency's warm-up takes.</summary>
    private static readonly TimeSpan s_warmupTime = TimeSpan.FromSeconds(3);

    /// <summary>One 2025 session: warm-up, then each call timed alone (µs).</summary>
    public static async Task<List<double>> LatencyAsync(HttpClient http, Uri url, int warmup, int calls)
    {
        var client = new McpHttpClient(http, url, BenchAgents.Token(Clients));
        await client.OpenSessionAsync();
        for (var i = 0; i < warmup; i++)
        {
            await client.CallAsync();
        }

        var latencies = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.CallAsync();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        await client.CloseSessionAsync();

        return latencies;
    }

    /// <summary>
    /// One 2025 session per endpoint, their calls taking turns in blocks of <paramref name="block"/> calls
    /// (<see cref="InterleavedLatencyAsync(IReadOnlyList{Func{Task}}, int, int, int)"/>). Per endpoint, each call
    /// timed alone (µs).
    /// </summary>
    public static async Task<List<List<double>>> InterleavedLatencyAsync(
        HttpClient http, IReadOnlyList<Uri> urls, int warmup, int calls, int block)
    {
        var clients = urls.Select(url => new McpHttpClient(http, url, BenchAgents.Token(Clients))).ToList();
        foreach (var client in clients)
        {
            await client.OpenSessionAsync();
        }

        var latencies = await InterleavedLatencyAsync(
            clients.Select<McpHttpClient, Func<Task>>(c => c.CallAsync).ToList(), warmup, calls, block);
        foreach (var client in clients)
        {
            await client.CloseSessionAsync();
        }

        return latencies;
    }

    /// <summary>
    /// Sides' calls (sessions already open: HTTP ones, or a stdio client through <c>run --url</c>) taking turns in
    /// blocks of <paramref name="block"/> calls, each round of blocks starting at a different side, so every side's
    /// calls are spread over the same seconds of a shared machine's load (measured one side after another, a side's
    /// p50 moved with whatever else ran in its seconds: nginx's added p50 was 50 and 26 µs in two rounds of one run).
    /// Within a block a side's calls follow each other as before, so its caches are as warm as they were. Per side,
    /// each call timed alone (µs).
    /// </summary>
    /// <remarks>
    /// The warm-up takes turns the same way for <paramref name="warmup"/> calls a side and at least
    /// <see cref="s_warmupTime"/>: the JIT-compiled sides (the HTTP server and the .NET forwarder, new each round)
    /// recompile their hot methods on a background thread for a while after their first calls (perf sched at load 17:
    /// the server's for about 2 s after it started), and a call that then needs a core waits behind that thread.
    /// The client itself runs without tiered compilation (<see cref="CompiledClient"/>).
    /// </remarks>
    public static async Task<List<List<double>>> InterleavedLatencyAsync(
        IReadOnlyList<Func<Task>> sides, int warmup, int calls, int block)
    {
        var warm = Stopwatch.GetTimestamp() + (long)(s_warmupTime.TotalSeconds * Stopwatch.Frequency);
        var round = 0;
        for (var done = 0; done < warmup || Stopwatch.GetTimestamp() < warm; done += block, round++)
        {
            await TurnAsync(sides, round, block, null);
        }

        var latencies = sides.Select(_ => new List<double>(calls)).ToList();
        for (var done = 0; done < calls; done += block, round++)
        {
            await TurnAsync(sides, round, block, latencies);
        }

        return latencies;
    }

    /// <summary>One block of calls for every side, starting at a different side each round; timed into
    /// <paramref name="latencies"/> unless it is null.</summary>
    private static async Task TurnAsync(
        IReadOnlyList<Func<Task>> sides, int round, int block, List<List<double>>? latencies)
    {
        for (var turn = 0; turn < sides.Count; turn++)
        {
            var side = (turn + round) % sides.Count;
            for (var i = 0; i < block; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await sides[side]();
                latencies?[side].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
    }

    /// <summary>
    /// <see cref="Clients"/> 2025 sessions opened first (left open, so their memory can be read after), then each
    /// makes <paramref name="callsEach"/> calls one after another, all sessions at once: calls per second, and the
    /// CPU per call (µs) <paramref name="cpuSeconds"/> saw spent meanwhile (the gateway's, its children's), and
    /// the gateway's context switches per call.
    /// </summary>
    public static async Task<(double CallsPerSecond, (double Own, double Children) CpuPerCall, double Switches)>
        SessionsThroughputAsync(
            HttpClient http, Uri url, int callsEach, Func<(double Own, double Children)> cpuSeconds,
            Func<long> switches)
    {
        var clients = Enumerable.Range(0, Clients)
            .Select(i => new McpHttpClient(http, url, BenchAgents.Token(i))).ToList();
        foreach (var client in clients)
        {
            await client.OpenSessionAsync();
        }

        await Task.WhenAll(clients.Select(c => c.CallAsync()));
        var cpuAtStart = cpuSeconds();
        var switchesAtStart = switches();
        var callsPerSecond =
            await TimedAsync(callsEach, clients.Select<McpHttpClient, Func<Task>>(c => c.CallAsync).ToList());
        var cpuAtEnd = cpuSeconds();
        var switchesAtEnd = switches();
        var calls = (double)Clients * callsEach;
        return (callsPerSecond, (
            (cpuAtEnd.Own - cpuAtStart.Own) * 1e6 / calls, (cpuAtEnd.Children - cpuAtStart.Children) * 1e6 / calls),
            (switchesAtEnd - switchesAtStart) / calls);
    }

    /// <summary><see cref="Clients"/> stateless 2026-07-28 clients, each making its calls one after another.</summary>
    public static async Task<double> ModernThroughputAsync(HttpClient http, Uri url, int callsEach)
    {
        var clients = Enumerable.Range(0, Clients)
            .Select(i => new McpHttpClient(http, url, BenchAgents.Token(i))).ToList();
        await Task.WhenAll(clients.Select(c => c.CallModernAsync()));
        return await TimedAsync(callsEach, clients.Select<McpHttpClient, Func<Task>>(c => c.CallModernAsync).ToList());
    }

    public static double Percentile(List<double> values, double p) =>
        values.Order().ElementAt((int)Math.Min(values.Count - 1, p * values.Count));

    private static async Task<double> TimedAsync(int callsEach, List<Func<Task>> clients)
    {
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(clients.Select(async call =>
        {
            for (var i = 0; i < callsEach; i++)
            {
                await call();
            }
        }));
        return clients.Count * callsEach / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
