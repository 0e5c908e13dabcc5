using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Bybit;

/// <summary>The simulator stands in for the real Bybit server: same tools, same schemas, a working exchange.</summary>
public sealed class SimulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<McpClient> ConnectAsync() => await McpClient.CreateAsync(
        new StdioClientTransport(new StdioClientTransportOptions { Command = "dotnet", Arguments = [RepoPaths.BybitSimulatorDll, "--seed", "7"] }),
        cancellationToken: Ct);

    [Fact]
    public async Task ListTools_TheRealServersNamesAndSchemas()
    {
        await using var client = await ConnectAsync();
        var tools = await client.ListToolsAsync(cancellationToken: Ct);
        using var embedded = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples/bybit/simulator/tools.json")));

        Assert.Equal(36, tools.Count);
        foreach (var expected in embedded.RootElement.GetProperty("tools").EnumerateArray())
        {
            var tool = Assert.Single(tools, t => t.Name == expected.GetProperty("name").GetString());
            Assert.True(JsonElement.DeepEquals(expected.GetProperty("inputSchema"), tool.ProtocolTool.InputSchema), tool.Name);
        }
    }

    [Fact]
    public async Task Orders_PlaceListCancel()
    {
        await using var client = await ConnectAsync();

        var placed = await CallAsync(client, "place_order", new() { ["category"] = "linear", ["symbol"] = "ETHUSDT", ["side"] = "Buy", ["orderType"] = "Limit", ["qty"] = "1", ["price"] = "3000" });
        var orderId = placed.GetProperty("result").GetProperty("orderId").GetString();
        var open = await CallAsync(client, "get_open_closed_orders", new() { ["category"] = "linear" });
        var cancelled = await CallAsync(client, "cancel_order", new() { ["category"] = "linear", ["symbol"] = "ETHUSDT", ["orderId"] = orderId });
        var again = await client.CallToolAsync("cancel_order", new Dictionary<string, object?> { ["category"] = "linear", ["symbol"] = "ETHUSDT", ["orderId"] = orderId }, cancellationToken: Ct);

        Assert.Contains(open.GetProperty("result").GetProperty("list").EnumerateArray(), o => o.GetProperty("orderId").GetString() == orderId);
        Assert.Equal(0, cancelled.GetProperty("retCode").GetInt32());
        Assert.True(again.IsError);
        Assert.Contains("110001", Assert.IsType<TextContentBlock>(Assert.Single(again.Content)).Text);
    }

    [Theory]
    [InlineData("DOGEUSDT", "1")]
    [InlineData("BTCUSDT", "-1")]
    [InlineData("BTCUSDT", "lots")]
    public async Task PlaceOrder_InvalidRequest_IsAnExchangeError(string symbol, string qty)
    {
        await using var client = await ConnectAsync();

        var result = await client.CallToolAsync("place_order", new Dictionary<string, object?> { ["category"] = "spot", ["symbol"] = symbol, ["side"] = "Buy", ["orderType"] = "Market", ["qty"] = qty }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("\"retCode\":10001", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    private static async Task<JsonElement> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        Assert.NotEqual(true, result.IsError);
        return JsonDocument.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text).RootElement;
    }
}
