using System.Diagnostics;
using System.Globalization;

namespace McpGuard.Benchmarks;

/// <summary>
/// <c>http-probe URL[,URL…] CALLS [--tail] [--gap MS]</c>: one 2025 session's sequential calls against each running
/// endpoint (several take turns in blocks of 50, as the HTTP rows' latency does), their p50, p90 and p99, and the same
/// for a block's first calls apart from the rest, for profiling a side (perf, strace) while the same client as the
/// HTTP rows drives it. <c>--tail</c>: also each call slower than 500 µs, with its index, its start (the monotonic
/// clock in s, as <c>perf record -k CLOCK_MONOTONIC</c> stamps events) and its time in µs, to match a slow call with
/// what the side's threads did then. <c>--gap MS</c>: a pause after each block, as an agent pauses between calls;
/// <c>--block N</c>: N calls a block (with 1 and a gap every call is a cold one).
/// </summary>
internal static class HttpProbe
{
    private const int Warmup = 200;
    private const int DefaultBlock = 50;
    private const double Slow = 500;

    public static async Task<int> RunAsync(
        string urls, int calls, bool tail, int gapMs, int block = DefaultBlock)
    {
        using var http = McpHttpClient.CreateHttp();
        var endpoints = urls.Split(',').Select(url => new Uri(url)).ToList();
        var clients = endpoints.Select(url => new McpHttpClient(http, url, BenchAgents.Token(HttpLoad.Clients)))
            .ToList();
        foreach (var client in clients)
        {
            await client.OpenSessionAsync();
        }

        var timed = clients.Select(_ => new List<(long Start, double Us)>(calls)).ToList();
        for (var (done, round) = (-Warmup, 0); done < calls; done += block, round++)
        {
            for (var turn = 0; turn < clients.Count; turn++)
            {
                var side = (turn + round) % clients.Count;
                for (var i = 0; i < block; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await clients[side].CallAsync();
                    if (done >= 0)
                    {
                        timed[side].Add((start, Stopwatch.GetElapsedTime(start).TotalMicroseconds));
                    }
                }

                if (gapMs > 0)
                {
                    await Task.Delay(gapMs);
                }
            }
        }

        foreach (var client in clients)
        {
            await client.CloseSessionAsync();
        }

        for (var side = 0; side < endpoints.Count; side++)
        {
            Report(endpoints[side], timed[side], tail, block);
        }

        return 0;
    }

    private static void Report(Uri endpoint, List<(long Start, double Us)> timed, bool tail, int block)
    {
        var latencies = timed.Select(call => call.Us).ToList();
        var (p50, p90) = (HttpLoad.Percentile(latencies, 0.5), HttpLoad.Percentile(latencies, 0.9));
        var (p99, max) = (HttpLoad.Percentile(latencies, 0.99), latencies.Max());
        Console.WriteLine($"{endpoint}: p50 {p50:0} µs, p90 {p90:0} µs, p99 {p99:0} µs, max {max:0} µs");
        var first = latencies.Where((_, i) => i % block == 0).ToList();
        var rest = latencies.Where((_, i) => i % block != 0).ToList();
        Console.WriteLine(rest.Count == 0
            ? $"  every call first in its block: p50 {HttpLoad.Percentile(first, 0.5):0} µs"
            : $"  a block's first calls: p50 {HttpLoad.Percentile(first, 0.5):0} µs; the others: p50 "
                + $"{HttpLoad.Percentile(rest, 0.5):0} µs, p99 {HttpLoad.Percentile(rest, 0.99):0} µs");
        if (tail)
        {
            var slow = timed.Select((call, i) => (call, i)).Where(c => c.call.Us > Slow).Select(c => string.Create(
                CultureInfo.InvariantCulture,
                $"{c.i}@{c.call.Start / (double)Stopwatch.Frequency:0.000000}:{c.call.Us:0}"));
            Console.WriteLine($"  slower than {Slow:0} µs: " + string.Join(' ', slow));
        }
    }
}
