using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Bybit;

/// <summary>The README's first command tells the whole story, and exits 0.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_RunsTheWholeStory()
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(RepoPaths.BybitDemoDll);
        startInfo.ArgumentList.Add("--no-color");

        // A HOME of its own: the demo must leave the user's ~/.mcpguard (audit log, counters) alone.
        var home = Directory.CreateTempSubdirectory("mcpguard-demo-test-home-").FullName;
        startInfo.Environment["HOME"] = home;
        startInfo.Environment.Remove("MCPGUARD_HOME");
        using var demo = Process.Start(startInfo)!;
        var output = demo.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = demo.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await demo.WaitForExitAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        var transcript = await output;

        Assert.True(demo.ExitCode == 0, transcript + await error);
        Assert.Contains("the server has 36 tools; the agent sees 34", transcript);
        Assert.Contains("hidden from the agent: batch_cancel_order, cancel_all_orders", transcript);
        Assert.Contains("human › approves", transcript);
        Assert.Contains("Unknown tool: batch_cancel_order", transcript);
        Assert.Contains("rate limit of 10 per 1m for place_order reached; retry after", transcript);
        Assert.Contains("the two orders of steps 3 and 4 already count", transcript);
        Assert.Contains("8 more went through: with the 2 earlier orders, that is the 10 the minute allows", transcript);
        Assert.Contains("argument 'qty' cannot be compared", transcript);
        Assert.Contains("Leverage is capped at 5x.", transcript);
        Assert.Contains("\"apiKey\":\"[redacted: secrets]\"", transcript);
        Assert.DoesNotContain("XuR8mK2pQ9vL3nT7wY", transcript, StringComparison.Ordinal);
        Assert.Contains(
            "get_tickers no longer matches samples/bybit/bybit.lock.json: "
                + "the agent sees 33 tools, and get_tickers is not one of them",
            transcript);
        Assert.Contains("Unknown tool: get_tickers", transcript);
        Assert.DoesNotContain("\u001b[", transcript, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home, ".mcpguard")), "the demo wrote into the user's ~/.mcpguard");
        Directory.Delete(home, recursive: true);
    }
}
