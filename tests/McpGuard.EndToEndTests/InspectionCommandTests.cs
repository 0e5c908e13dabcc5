using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>tools, check, explain and init against the Bybit simulator and server-everything.</summary>
public sealed class InspectionCommandTests
{
    [Theory]
    [InlineData("Option '--policy' is required", "run", "--")]
    [InlineData("Option '--policy' is required", "run", "--polcy", "p.yaml", "--")] // a misspelt option
    [InlineData("Option '--tool' is required", "explain", "--policy", "p.yaml")]
    public async Task Usage_Error_ExitsTwoSayingWhatIsWrongOnStderrAndNeverStartsTheServer(
        string expected, params string[] arguments)
    {
        var marker = Path.Combine(Path.GetTempPath(), $"mcpguard-started-{Guid.NewGuid():n}");
        string[] server = arguments[^1] == "--" ? ["node", "-e", $"require('fs').writeFileSync('{marker}', 'x')"] : [];

        var (code, output, error) = await GuardCommand.RunAsync([.. arguments, .. server]);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));

        // run's stdout is the client's MCP stream: no help text there, even for a config with a typo (SPEC 1).
        Assert.Equal("", output);
        Assert.DoesNotContain("Description:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_Alone_PrintsTheVersionAndExitsZero()
    {
        var (code, output, error) = await GuardCommand.RunAsync("--version");

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?(\+[0-9a-f]+)?\n$", output);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Tools_Bybit_ShowsEveryToolWithRiskAndEffect()
    {
        var (code, output, error) = await GuardCommand.RunAsync(
            ["tools", "--policy", RepoPaths.BybitPolicy, "--json", "--", .. GuardedServer.BybitSimulator()]);

        Assert.True(code == 0, error);
        var rows = JsonDocument.Parse(output).RootElement.EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        Assert.Equal(36, rows.Count);
        Assert.Equal("hidden", rows["batch_cancel_order"].GetProperty("effect").GetString());
        Assert.Equal("critical", rows["cancel_all_orders"].GetProperty("risk").GetString());
        Assert.Equal("conditional", rows["place_order"].GetProperty("effect").GetString());
        Assert.Contains("10 per 1m", rows["place_order"].GetProperty("limits").GetString());
        Assert.Equal("allowed", rows["get_tickers"].GetProperty("effect").GetString());
        Assert.Equal(22, rows.Values.Count(r => r.GetProperty("risk").GetString() == "read"));
    }

    [Fact]
    public async Task Tools_Everything_PrintsATable()
    {
        var (code, output, error) = await GuardCommand.RunAsync(
            [
                "tools", "--policy",
                TempFiles.Write("p.yaml", "version: 1\ndefault: deny\nhide: [get-env]\nrisk:\n  read: allow\n"), "--",
                .. GuardedServer.Everything()]);

        Assert.True(code == 0, error);
        Assert.Matches(@"echo\s+read\s+allowed\s+risk\.read", output);
        Assert.Matches(@"get-env\s+read\s+hidden", output);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_SamplePolicyAgainstTheSimulator_IsValid()
    {
        var (code, output, error) = await GuardCommand.RunAsync(
            ["check", "--policy", RepoPaths.BybitPolicy, "--", .. GuardedServer.BybitSimulator()]);

        Assert.True(code == 0, output + error);
        Assert.Contains("valid against 36 tools (0 errors", output);
    }

    /// <summary>
    /// The sample's lock file holds the real server's definitions, which the simulator lists byte for byte: if the
    /// two ever drift apart, this fails (and the sample policy would hide drifted tools from the agent).
    /// </summary>
    [Fact]
    public async Task PinCheck_SampleLockFileAgainstTheSimulator_NoDrift()
    {
        var (code, output, error) = await GuardCommand.RunAsync(
            ["pin", "--check", "--policy", RepoPaths.BybitPolicy, "--", .. GuardedServer.BybitSimulator()]);

        Assert.True(code == 0, output + error);
        Assert.Contains("0 added, 0 changed, 0 removed, 36 unchanged (no drift)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_FindsUnknownNamesBadPathsNonNumericTypesAndBypasses()
    {
        var policy = TempFiles.Write("p.yaml", """
            version: 1
            default: deny
            tools:
              place_order:
                rate_limit: 10/minute
                rules:
                  - when: { sidee: Buy, isLeverage: { lte: 1 }, 'request[*].qty': { lte: 1 } }
                    action: allow
              batch_place_order: allow
              place_ordr: allow
              get_wallet_balance:
                rules:
                  - when: { accountType: { gt: 1 } }
                    action: allow
            """);

        var (code, output, _) = await GuardCommand.RunAsync(
            ["check", "--policy", policy, "--", .. GuardedServer.BybitSimulator()]);

        Assert.Equal(2, code);
        Assert.Contains("'sidee' is not in the input schema of place_order", output);
        Assert.Contains("'request[*].qty' is not in the input schema", output);
        Assert.Contains("tools.place_ordr: the server has no tool", output);
        Assert.Contains("its sibling batch_place_order is allowed without a limit", output);
    }

    [Fact]
    public async Task Check_WithoutServer_ValidatesOnly()
    {
        Assert.Equal(0, (await GuardCommand.RunAsync("check", "--policy", RepoPaths.BybitPolicy)).Code);
        var (code, _, error) = await GuardCommand.RunAsync(
            "check", "--policy", TempFiles.Write("p.yaml", "version: 1\ndefualt: deny\n"));
        Assert.Equal(2, code);
        Assert.Contains(":2:1: defualt: unknown key", error);
    }

    [Theory]
    [InlineData(
        """{"category":"spot","symbol":"BTCUSDT","qty":"0.005"}""", "decision: allow by tools.place_order.rules[0]")]
    [InlineData(
        """{"category":"spot","symbol":"BTCUSDT","qty":"0.5"}""",
        "decision: require_approval by tools.place_order.rules[1]")]
    [InlineData(
        """{"category":"spot","symbol":"BTCUSDT","qty":"1e-3"}""", "decision: deny by tools.place_order.rules[0]")]
    public async Task Explain_ShowsTheRuleAndCondition(string arguments, string expected)
    {
        var (code, output, _) = await GuardCommand.RunAsync(
            "explain", "--policy", RepoPaths.BybitPolicy, "--tool", "place_order", "--args", arguments);

        Assert.Equal(0, code);
        Assert.Contains(expected, output);
        Assert.Contains("qty: lte 0.01", output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Init_WritesAStarterPolicyThatCheckAccepts(bool bybit)
    {
        var server = bybit ? GuardedServer.BybitSimulator().ToArray() : GuardedServer.Everything().ToArray();
        var file = Path.Combine(Path.GetTempPath(), $"mcpguard-init-{Guid.NewGuid():n}.yaml");

        var (code, _, error) = await GuardCommand.RunAsync(["init", "--out", file, "--", .. server]);
        var check = await GuardCommand.RunAsync(["check", "--policy", file, "--", .. server]);

        Assert.True(code == 0, error);
        Assert.True(check.Code == 0, check.Output + check.Error);
        Assert.Contains(
            bybit ? "critical (2): cancel_all_orders, batch_cancel_order" : "read (8)", File.ReadAllText(file));
        Assert.Equal(2, (await GuardCommand.RunAsync(["init", "--out", file, "--", .. server])).Code);
        var cases = Path.ChangeExtension(file, ".cases.yaml");
        var test = await GuardCommand.RunAsync(["test", "--policy", file, cases]);
        File.Delete(file);
        File.Delete(cases);
        Assert.True(test.Code == 0, test.Output + test.Error);
        Assert.Contains(" passed, 0 failed", test.Output);
    }
}
