using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class ToolsCommandTests
{
    private const string Tools = """
        [{"name":"place_order","inputSchema":{"type":"object"}},{"name":"get_ticker","inputSchema":{"type":"object"}}]
        """;

    private const string Policy = """
        version: 1
        default: deny
        tools:
          place_order:
            action: allow
            rate_limit: { max: 10, window: 1m, scope: agent }
            budget: { argument: qty, max: 0.5, window: 24h, per: symbol }
          get_ticker:
            action: allow
            rate_limit: { max: 5, window: 1m, per: [category, symbol], scope: session }
        """;

    /// <summary>
    /// A per-symbol budget is one sum per symbol, and the inventory says so as <c>limits</c> and a refusal do; it
    /// used to read "sum of qty &lt;= 0.5 per 1d", as if every symbol shared one sum.
    /// </summary>
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task Tools_LimitWithPerAndScope_ShowsThem(string format)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("policy.yaml"), Policy, TestContext.Current.CancellationToken);
        await using var server = ScriptedServer.Listing(Tools);
        string[] json = format == "json" ? ["--json"] : [];

        // (stderr may say the server is being waited for: a loaded machine takes more than 2 s)
        var (exitCode, output, _) = await CommandRunner.RunAsync(
            ToolsCommand.Create(server.Connector), [.. json, "--policy", temp.File("policy.yaml"), "--", "scripted"]);

        Assert.Equal(0, exitCode);
        var limits = format == "json"
            ? string.Join('\n', JsonDocument.Parse(output).RootElement.EnumerateArray()
                .Select(tool => tool.GetProperty("limits").GetString()))
            : output;
        Assert.Contains("10 per 1m per agent; sum of qty <= 0.5 per 1d per symbol", limits, StringComparison.Ordinal);
        Assert.Contains("5 per 1m per category, symbol (scope: session)", limits, StringComparison.Ordinal);
    }
}
