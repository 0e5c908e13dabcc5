using System.Diagnostics;

namespace McpGuard.Benchmarks;

/// <summary>The HTTP rows' workloads against one endpoint: sequential latency, throughput of many clients.</summary>
internal static class HttpLoad
{
    public const int Clients = 64;

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
    public static async Task<List<List<double>>> InterleavedLatencyAsync(
        IReadOnlyList<Func<Task>> sides, int warmup, int calls, int block)
    {
        var latencies = sides.Select(_ => new List<double>(calls)).ToList();
        for (var (done, round) = (-warmup, 0); done < calls; done += block, round++)
        {
            for (var turn = 0; turn < sides.Count; turn++)
            {
                var side = (turn + round) % sides.Count;
                for (var i = 0; i < block; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await sides[side]();
                    if (done >= 0)
                    {
                        latencies[side].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }
            }
        }

        return latencies;
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
