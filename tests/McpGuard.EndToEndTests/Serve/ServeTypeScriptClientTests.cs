using System.Diagnostics;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// The TypeScript SDK v2 client over Streamable HTTP (<c>StreamableHTTPClientTransport</c>, tests/npm/v2/client.mjs
/// <c>--url</c>) against <c>mcpguard serve</c> in front of the v2 server, in auto (2026-07-28) and legacy (2025) modes.
/// </summary>
public sealed class ServeTypeScriptClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IEnumerable<string> Server => ["node", RepoPaths.V2Server];

    [Theory]
    [InlineData("auto", "2026-07-28")]
    [InlineData("legacy", "2025-11-25")]
    public async Task Denied_NeverRuns_AllowedAnswers(string mode, string era)
    {
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\ntools:\n  place_order: deny\n", Server);

        var steps = await RunAsync(mode, "deny", guard);

        Assert.Equal(era, steps["connected"].GetProperty("era").GetString());
        Assert.Contains("Denied by policy", steps["denied"].GetRawText(), StringComparison.Ordinal);
        Assert.Contains("echo: hi", steps["allowed"].GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(guard.Stderr, line => line.StartsWith("RAN place_order", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task Approval_AskedOfThisClient_YesRunsOnce(string mode)
    {
        const string Policy = "version: 1\ndefault: allow\ntools:\n  place_order: require_approval\n"
            + "approval:\n  timeout: 60s\n  channels: [elicitation]\n";
        await using var guard = await ServedGuard.StartAsync(Policy, Server);

        var steps = await RunAsync(mode, "approve", guard);

        Assert.Contains(
            "wants to call place_order", steps["elicited"].GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.Contains("placed 0.6 BTCUSDT", steps["order"].GetRawText(), StringComparison.Ordinal);
        Assert.Single(guard.Stderr, line => line.StartsWith("RAN place_order", StringComparison.Ordinal));
    }

    /// <summary>Runs one scenario to its end; its steps by name (the last of each name).</summary>
    private static async Task<Dictionary<string, JsonElement>> RunAsync(string mode, string scenario, ServedGuard guard)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (var argument in (string[])[RepoPaths.V2Client, mode, scenario, "--url", guard.Url.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        var steps = new Dictionary<string, JsonElement>();
        while (await process.StandardOutput.ReadLineAsync(Ct) is { } line)
        {
            var step = JsonElement.Parse(line);
            steps[step.GetProperty("step").GetString()!] = step;
        }

        await process.WaitForExitAsync(Ct);
        Assert.True(steps.ContainsKey("closed"), "the client did not finish: " + await stderr);
        return steps;
    }
}
