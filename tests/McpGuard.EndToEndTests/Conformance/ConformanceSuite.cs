using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Conformance;

/// <summary>
/// <c>conformance server --url URL</c> (<c>@modelcontextprotocol/conformance</c> under Node 22): every active server
/// scenario, or the given ones, as an MCP client of the endpoint.
/// </summary>
internal static class ConformanceSuite
{
    public static async Task<ConformanceScore> RunAsync(string url, IEnumerable<string>? scenarios = null)
    {
        if (scenarios is null)
        {
            return ConformanceScore.Parse(await RunOnceAsync(url, null));
        }

        var score = new ConformanceScore(new Dictionary<string, (int, int)>());
        foreach (var scenario in scenarios)
        {
            score = score.With(ConformanceScore.ParseSingle(scenario, await RunOnceAsync(url, scenario)));
        }

        return score;
    }

    private static async Task<string> RunOnceAsync(string url, string? scenario)
    {
        var start = new ProcessStartInfo(NpmTools.Node22)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.CreateTempSubdirectory("mcpguard-conformance-").FullName,
        };
        string[] only = scenario is null ? [] : ["--scenario", scenario];
        string[] arguments = [NpmTools.Conformance, "server", "--url", url, .. only];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(10));
        return await stdout + await stderr;
    }
}
