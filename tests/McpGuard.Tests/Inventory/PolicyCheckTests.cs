using McpGuard.Inventory;
using McpGuard.Tests.Policy;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// check's sibling finding: a limit on one tool that a sibling of the same noun, allowed without a limit, goes
/// around. On a server that does not call itself bybit-mcp there is no catalogue, so the words decide.
/// </summary>
public sealed class PolicyCheckTests
{
    private const string CapsPlaceOrder = """
        version: 1
        default: allow
        tools:
          place_order:
            rules:
              - when: { qty: { lte: 0.01 } }
                action: allow
              - action: deny
                reason: too big
        """;

    private static ServerInventory Server(params string[] names) => new("not-bybit", [.. names.Select(Tool)]);

    private static ServerTool Tool(string name)
    {
        const string Schema = """{"type":"object","properties":{"qty":{"type":"string"}}}""";
        return ListedTools.One($$"""{"name":"{{name}}","inputSchema":{{Schema}}}""");
    }

    private static List<string> Bypasses(string policy, ServerInventory server) =>
        [.. PolicyCheck.Run(PolicyTestData.Load(policy), server)
            .Where(f => f.IsError && f.Message.Contains("go around", StringComparison.Ordinal)).Select(f => f.Message)];

    [Theory]
    [InlineData("batch_place_order")] // a batch of writes: write by its words
    [InlineData("mass_order")] // no verb the words know: unknown, treated as the most dangerous class
    [InlineData("order_blast")]
    public void Check_SiblingAllowedByDefault_IsABypass(string sibling)
    {
        var bypass = Assert.Single(Bypasses(CapsPlaceOrder, Server("place_order", sibling, "get_tickers")));

        Assert.Contains(
            $"place_order is limited by tools.place_order, but its sibling {sibling} is allowed without a limit",
            bypass, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get_order")] // a read cannot go around an order limit
    [InlineData("list_orders")] // another noun: not a sibling
    public void Check_ReadOrUnrelatedTool_IsNoBypass(string other) =>
        Assert.Empty(Bypasses(CapsPlaceOrder, Server("place_order", other)));

    [Fact]
    public void Check_SiblingDenied_IsNoBypass() =>
        Assert.Empty(
            Bypasses(
                CapsPlaceOrder + "\n  mass_order: deny\n  batch_place_order: deny\n",
                Server("place_order", "mass_order", "batch_place_order")));
}
