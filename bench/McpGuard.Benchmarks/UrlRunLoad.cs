using System.Diagnostics;

namespace McpGuard.Benchmarks;

/// <summary>
/// The HTTP rows' workloads through <c>mcpguard run --url</c>: a stdio client (<see cref="JsonRpcDriver"/>) per
/// guard process, the guard the HTTP client of the same server the other sides front. One client's sequential
/// latency (its calls taking turns with the HTTP sides'), and <see cref="HttpLoad.Clients"/> clients at once, each
/// its own guard (as stdio clients are), in both eras.
/// </summary>
internal static class UrlRunLoad
{
    private const string Initialize =
        """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}""";

    private const string ModernCall = """{"name":"place_order","arguments":{"symbol":"BTCUSDT","category":"spot","""
        + "\"qty\":\"0.005\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"bench\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{}}}";

    /// <summary>
    /// A guard with its 2025 stdio client, session open: its sequential calls take turns with the HTTP sides'
    /// (<see cref="HttpLoad.InterleavedLatencyAsync(IReadOnlyList{Func{Task}}, int, int, int)"/>).
    /// </summary>
    public static Task<JsonRpcDriver> StartAsync(string[] run, Uri upstream, string home) =>
        StartAsync([.. run, "--url", upstream.ToString()], home, modern: false);

    /// <summary>One sequential call through a guard <see cref="StartAsync(string[], Uri, string)"/> started.</summary>
    public static Task CallAsync(JsonRpcDriver client) => client.CallAsync("tools/call", McpHttpClient.Call);

    /// <summary><see cref="HttpLoad.Clients"/> clients at once, each its own guard, in both eras.</summary>
    public static async Task MeasureThroughputAsync(HttpFigures result, string[] run, Uri upstream, string home)
    {
        string[] command = [.. run, "--url", upstream.ToString()];
        result.SessionsThroughput.Add(await ThroughputAsync(command, home, modern: false));
        result.SessionsCpu.Add((double.NaN, double.NaN));
        result.ModernThroughput.Add(await ThroughputAsync(command, home, modern: true));
    }

    private static async Task<double> ThroughputAsync(string[] command, string home, bool modern)
    {
        var clients = await Task.WhenAll(
            Enumerable.Range(0, HttpLoad.Clients).Select(_ => StartAsync(command, home, modern)));
        try
        {
            var parameters = modern ? ModernCall : McpHttpClient.Call;
            await Task.WhenAll(clients.Select(c => c.CallAsync("tools/call", parameters)));
            var start = Stopwatch.GetTimestamp();
            await Task.WhenAll(clients.Select(async c =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await c.CallAsync("tools/call", parameters);
                }
            }));
            return clients.Length * 100 / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>A guard with its stdio client; a 2025 client opens its session first.</summary>
    private static async Task<JsonRpcDriver> StartAsync(string[] command, string home, bool modern)
    {
        var client = JsonRpcDriver.Start(command, new Dictionary<string, string> { ["MCPGUARD_HOME"] = home });
        if (!modern)
        {
            await client.CallAsync("initialize", Initialize);
        }

        return client;
    }
}
