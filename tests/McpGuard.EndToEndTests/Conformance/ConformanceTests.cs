using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Conformance;

/// <summary>
/// The official MCP conformance suite (<c>@modelcontextprotocol/conformance</c>, every active server scenario) run
/// directly against the guard, beside a baseline computed in the same test: <c>serve -- FIXTURE</c> beside the same
/// fixture behind supergateway (the stdio→HTTP bridge people use), and <c>serve --url</c> beside the fixture's own
/// HTTP server dialled directly. The fixture is the suite's own (tests/npm/conformance), so its scenarios find the
/// tools, resources and prompts they expect.
/// </summary>
public sealed class ConformanceTests
{
    private const string Policy = """
        version: 1
        default: allow
        state: { store: memory }
        """;

    [Fact]
    public async Task Serve_PassesEveryScenarioTheFixturePassesBehindSupergateway()
    {
        var fixture = $"\"{NpmTools.Node22}\" \"{NpmTools.ConformanceFixture}\" stdio";
        await using var bridge = await ListeningProcess.StartAsync(
            "Listening on port", NpmTools.Node22, NpmTools.Supergateway, "--stdio", fixture,
            "--outputTransport", "streamableHttp", "--stateful", "--port", "{port}");
        await using var guard = await ServedGuard.StartAsync(
            Policy, [NpmTools.Node22, NpmTools.ConformanceFixture, "stdio"]);

        var (bridged, guarded) = await SideBySideAsync($"http://localhost:{bridge.Port}/mcp", guard.Url.ToString());

        Assert.Contains("tools-call-simple-text", bridged.Passing);
        Assert.Equal(bridged.Scenarios.Keys.Order(), guarded.Scenarios.Keys.Order());
        // At least the bridge's score: every scenario it passes passes through the guard. (supergateway 4.0.0 checks
        // no Host or Origin, so the guard may pass dns-rebinding-protection where the bridge does not.)
        Assert.Empty(bridged.Passing.Except(guarded.Passing));
    }

    [Fact]
    public async Task ServeUrl_ScoresWhatTheFixtureScoresDirectly()
    {
        await using var fixture = await ListeningProcess.StartAsync(
            "MCP Conformance Test Server running", NpmTools.Node22, NpmTools.ConformanceFixture);
        var upstream = $"http://localhost:{fixture.Port}/mcp";
        await using var guard = await ServedGuard.StartAsync(Policy, [], ["--url", upstream]);

        var (direct, guarded) = await SideBySideAsync(upstream, guard.Url.ToString());

        Assert.Contains("tools-call-simple-text", direct.Passing);
        Assert.Equal(direct.Passing, guarded.Passing);
        Assert.Equal(direct.Failing, guarded.Failing);
    }

    /// <summary>
    /// Both runs at once. Some scenarios are bound by the suite's own timeouts (an elicitation round, an SSE poll),
    /// which a loaded machine can miss on either side: a scenario whose outcome differs is run again, alone, on both
    /// sides, at most twice, and the later outcome counts.
    /// </summary>
    private static async Task<(ConformanceScore Baseline, ConformanceScore Guarded)> SideBySideAsync(
        string baselineUrl, string guardedUrl)
    {
        var baselineRun = ConformanceSuite.RunAsync(baselineUrl);
        var guardedRun = ConformanceSuite.RunAsync(guardedUrl);
        var (baseline, guarded) = (await baselineRun, await guardedRun);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var differing = baseline.Scenarios.Keys.Union(guarded.Scenarios.Keys)
                .Where(s => baseline.Passes(s) != guarded.Passes(s)).ToList();
            if (differing.Count == 0)
            {
                break;
            }

            baseline = baseline.With(await ConformanceSuite.RunAsync(baselineUrl, differing));
            guarded = guarded.With(await ConformanceSuite.RunAsync(guardedUrl, differing));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"baseline: {baseline}\nguarded: {guarded}");
        return (baseline, guarded);
    }
}
