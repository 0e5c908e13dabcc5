namespace McpGuard.Benchmarks;

/// <summary>
/// <c>http-probe URL CALLS</c>: one 2025 session's sequential calls against a running endpoint, their p50 and p90,
/// for profiling a side (perf, strace) while the same client as the HTTP rows drives it.
/// </summary>
internal static class HttpProbe
{
    public static async Task<int> RunAsync(Uri url, int calls)
    {
        using var http = McpHttpClient.CreateHttp();
        var latencies = await HttpLoad.LatencyAsync(http, url, 200, calls);
        var (p50, p90) = (HttpLoad.Percentile(latencies, 0.5), HttpLoad.Percentile(latencies, 0.9));
        Console.WriteLine($"p50 {p50:0} µs, p90 {p90:0} µs");
        return 0;
    }
}
