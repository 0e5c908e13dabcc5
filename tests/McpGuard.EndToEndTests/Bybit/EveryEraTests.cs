using System.Text.Json;
using McpGuard.EndToEndTests.Pins;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Bybit;

/// <summary>
/// The sample policy in front of the Bybit tools served in every protocol era: a 2025-only server that exits on
/// any request before initialize (the real server's Python SDK 1.9.3), a 2026-07-28-only server, a dual-era server,
/// and the simulator. tools, check and pin --check reach each one, and run gives the agent the 34 unhidden tools
/// unchanged, forwards a small order and refuses 10x leverage in words a model can read.
/// </summary>
public sealed class EveryEraTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Servers => BybitServers.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Tools_EveryEra_ListsThe36ToolsWith34Visible(string server)
    {
        var (code, output, error) = await GuardCommand.RunAsync(
            ["tools", "--json", "--policy", RepoPaths.BybitPolicy, "--", .. BybitServers.Command(server)]);

        Assert.True(code == 0, error);
        var rows = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(36, rows.Count);
        Assert.Equal(34, rows.Count(r => r.GetProperty("effect").GetString() != "hidden"));
        Assert.All(rows, r => Assert.Equal("pinned", r.GetProperty("pin").GetString()));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Check_EveryEra_SamplePolicyIsValid(string server)
    {
        var (code, output, error) = await GuardCommand.RunAsync(
            ["check", "--policy", RepoPaths.BybitPolicy, "--", .. BybitServers.Command(server)]);

        Assert.True(code == 0, output + error);
        Assert.Contains("valid against 36 tools (0 errors, 0 warnings)", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task PinCheck_EveryEra_NoDrift(string server)
    {
        var (code, output, error) = await GuardCommand.RunAsync(
            ["pin", "--check", "--policy", RepoPaths.BybitPolicy, "--", .. BybitServers.Command(server)]);

        Assert.True(code == 0, output + error);
        Assert.Contains("0 added, 0 changed, 0 removed, 36 unchanged (no drift)", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Run_EveryEra_ToolsUnchangedSmallOrderForwardedLeverageDenied(string server)
    {
        // The SDK client in auto mode opens with server/discover on this connection, which the 2025-only server
        // dies of; the guard restarts it and answers "Method not found", and the client falls back to initialize.
        await using var guard = await StartAsync(server, options: null);

        var tools = await guard.Client.ListToolsAsync(cancellationToken: Ct);
        var order = await guard.Client.CallToolAsync("place_order", new Dictionary<string, object?>
        {
            ["category"] = "spot", ["symbol"] = "BTCUSDT", ["side"] = "Buy", ["orderType"] = "Market",
            ["qty"] = "0.001",
        }, cancellationToken: Ct);
        var leverage = await guard.Client.CallToolAsync("set_leverage", new Dictionary<string, object?>
        {
            ["category"] = "linear", ["symbol"] = "BTCUSDT", ["buyLeverage"] = "10", ["sellLeverage"] = "10",
        }, cancellationToken: Ct);

        AssertListedUnchanged(tools);
        Assert.NotEqual(true, order.IsError);
        Assert.Contains(
            server == BybitServers.Simulator ? "\"retCode\":0" : "place_order", Text(order), StringComparison.Ordinal);
        Assert.True(leverage.IsError);
        Assert.Equal("Denied by policy: Leverage is capped at 5x.", Text(leverage));
    }

    internal static async Task<GuardedServer> StartAsync(string server, McpClientOptions? options)
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-era-home-").FullName;
        return await GuardedServer.StartAsync(
            BybitServers.SamplePolicy(),
            BybitServers.Command(server),
            options,
            guardOptions: ["--audit", Path.Combine(home, "audit.jsonl")],
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home, ["HOME"] = home });
    }

    /// <summary>
    /// Every tool but the two hidden bulk cancels, in the server's order, as the real server defines it.
    /// </summary>
    internal static void AssertListedUnchanged(IList<McpClientTool> tools)
    {
        using var file = JsonDocument.Parse(File.ReadAllText(RepoPaths.BybitTools));
        var expected = file.RootElement.GetProperty("tools").EnumerateArray()
            .Where(t => t.GetProperty("name").GetString() is not ("batch_cancel_order" or "cancel_all_orders"))
            .ToList();
        Assert.Equal(expected.Select(t => t.GetProperty("name").GetString()), tools.Select(t => t.Name));
        foreach (var (definition, tool) in expected.Zip(tools))
        {
            Assert.Equal(definition.GetProperty("description").GetString(), tool.Description);
            Assert.True(
                JsonElement.DeepEquals(definition.GetProperty("inputSchema"), tool.ProtocolTool.InputSchema),
                tool.Name);
        }
    }

    private static string Text(CallToolResult result) =>
        Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    /// <summary>
    /// The TypeScript SDK v2 in auto mode probes with server/discover (on a short-lived second process of the same
    /// command); through the guard, the 2025-only server that goes silent on it is restarted and the probe answered
    /// with an error, so the client reaches a 2025 session at once instead of after its 60 s timeout.
    /// </summary>
    [Fact]
    public async Task Run_TypeScriptV2AutoModeAndAServerThatDiesOfTheProbe_ReachesASession()
    {
        await using var run = V2ClientRun.Start(
            "auto", "bybit", BybitServers.SamplePolicy(),
            server: ["--", .. BybitServers.Command(BybitServers.ExitsBeforeInitialize)]);

        var connected = await run.StepAsync("connected");
        var list = await run.StepAsync("list");
        var order = await run.StepAsync("order");
        var leverage = await run.StepAsync("leverage");

        Assert.StartsWith("2025-", connected.GetProperty("era").GetString(), StringComparison.Ordinal);
        Assert.Equal(34, list.GetProperty("result").GetArrayLength());
        Assert.Contains("place_order", V2ClientRun.ResultText(order), StringComparison.Ordinal);
        Assert.Equal("Denied by policy: Leverage is capped at 5x.", V2ClientRun.ResultText(leverage));
        run.CloseStdin();
        Assert.Equal(0, await run.WaitForExitAsync());
    }
}
