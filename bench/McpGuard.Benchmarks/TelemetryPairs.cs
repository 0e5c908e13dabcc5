using System.Diagnostics;

namespace McpGuard.Benchmarks;

/// <summary>
/// Telemetry's cost by wall clock, measured so a busy 2-core machine's swings fall on both sides alike: the guard with
/// telemetry off and with it on run at the same time, as two processes each with its server, and are driven in turn
/// in short pipelined blocks, in pairs whose order alternates (off-on, on-off, ...; the next round starts with the
/// other). The idle side waits in a read and costs nothing. A round's ratio is on's calls/s over off's from the
/// blocks' summed times; the verdict is the median of the rounds' ratios (bench/README.md).
/// </summary>
internal static class TelemetryPairs
{
    /// <summary>
    /// Pairs of blocks per round: at a load of 25–30 four pairs of 20,000 calls (0.15 s a block) still swung 0.69–1.47
    /// from round to round; more, shorter turns average the machine's fast swings as the pairing cancels its slow ones.
    /// </summary>
    public const int Pairs = 10;
    private const int Window = 256;
    private const string Initialize =
        """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}""";

    /// <summary>One round: on's calls/s ÷ off's, over <see cref="Pairs"/> pairs of blocks of <paramref name="calls"/>.
    /// </summary>
    public static async Task<double> RoundAsync(string[] off, string[] on, string call, int calls, int round)
    {
        var offHome = Directory.CreateTempSubdirectory("mcpguard-bench-pair-");
        var onHome = Directory.CreateTempSubdirectory("mcpguard-bench-pair-");
        try
        {
            return await RoundAsync(
                await StartAsync(off, call, offHome), await StartAsync(on, call, onHome), call, calls, round);
        }
        finally
        {
            offHome.Delete(recursive: true);
            onHome.Delete(recursive: true);
        }
    }

    private static async Task<double> RoundAsync(
        JsonRpcDriver offDriver, JsonRpcDriver onDriver, string call, int calls, int round)
    {
        await using var offSide = offDriver;
        await using var onSide = onDriver;
        // A first block each, not counted: the pool of telemetry's records and the first batch's post fill up here.
        await PipelinedAsync(offDriver, call, calls);
        await PipelinedAsync(onDriver, call, calls);
        double offSeconds = 0, onSeconds = 0;
        for (var pair = 0; pair < Pairs; pair++)
        {
            if ((pair + round) % 2 == 0)
            {
                offSeconds += await PipelinedAsync(offDriver, call, calls);
                onSeconds += await PipelinedAsync(onDriver, call, calls);
            }
            else
            {
                onSeconds += await PipelinedAsync(onDriver, call, calls);
                offSeconds += await PipelinedAsync(offDriver, call, calls);
            }
        }

        return offSeconds / onSeconds; // the same calls on each side: the ratio of calls/s, on ÷ off
    }

    /// <summary>
    /// Each side with a fresh <c>MCPGUARD_HOME</c> of its own: the two run at the same time, and neither counts into
    /// the other's store nor into one the rounds above filled.
    /// </summary>
    private static async Task<JsonRpcDriver> StartAsync(string[] command, string call, DirectoryInfo home)
    {
        var driver = JsonRpcDriver.Start(command, new Dictionary<string, string> { ["MCPGUARD_HOME"] = home.FullName });
        await driver.CallAsync("initialize", Initialize);
        await driver.CallAsync("tools/list", "{}");
        await driver.CallAsync("tools/call", call);
        return driver;
    }

    /// <summary>
    /// <paramref name="calls"/> pipelined calls, <see cref="Window"/> in flight, as the relay benchmark's; seconds.
    /// </summary>
    private static async Task<double> PipelinedAsync(JsonRpcDriver driver, string call, int calls)
    {
        var window = new SemaphoreSlim(Window);
        var pending = new List<Task>(calls);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            await window.WaitAsync();
            var answer = await driver.SendAsync("tools/call", call, flush: i % 32 == 31 || i == calls - 1);
            pending.Add(answer.ContinueWith(_ => window.Release(), TaskScheduler.Default));
        }

        await Task.WhenAll(pending);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
