using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpGuard.BybitSimulator;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Bybit;

/// <summary>The simulator stands in for the real Bybit server: its exact tools/list, a working exchange.</summary>
public sealed class SimulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<McpClient> ConnectAsync() => await McpClient.CreateAsync(
        new StdioClientTransport(
            new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = [RepoPaths.BybitSimulatorDll, "--seed", "7"]
            }),
        cancellationToken: Ct);

    /// <summary>
    /// samples/bybit/bybit-tools.json is the real server's tools/list result (bcusack/bybit-py-mcp at 5994341, on
    /// its locked Python MCP SDK 1.9.3), pretty-printed; this digest keeps anyone from editing it by hand.
    /// </summary>
    private const string RealServerToolsSha256 = "ae012abd6d0c512ee62b646a14d0890e989fd41c99608a868e87876bf6cc8608";

    [Fact]
    public async Task ListTools_IsTheRealServersResultByteForByte()
    {
        var file = await File.ReadAllBytesAsync(RepoPaths.BybitTools, Ct);

        var lines = await ExchangeLinesAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");

        Assert.Equal(RealServerToolsSha256, Convert.ToHexStringLower(SHA256.HashData(file)));
        const string Prefix = """{"jsonrpc":"2.0","id":2,"result":""";
        var listed = Assert.Single(lines, l => l.StartsWith(Prefix, StringComparison.Ordinal));
        Assert.Equal(CompactJson.Compact(Encoding.UTF8.GetString(file)), listed[Prefix.Length..^1]);
        Assert.Contains("⚠️ EXECUTES REAL TRADES", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTools_ThroughTheSdkClient_ThirtySixTools()
    {
        await using var client = await ConnectAsync();
        var tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(36, tools.Count);
        Assert.Equal("get_server_time", tools[0].Name);
    }

    [Fact]
    public async Task ServerDiscover_BeforeInitialize_IsAnErrorAndTheServerLivesOn()
    {
        var lines = await ExchangeLinesAsync(
            """{"jsonrpc":"2.0","id":0,"method":"server/discover","params":{}}""",
            """{"jsonrpc":"2.0","id":1,"method":"ping"}""");

        Assert.Equal(
            [
                """{"jsonrpc":"2.0","id":0,"error":{"code":-32601,"message":"Method not found"}}""",
                """{"jsonrpc":"2.0","id":1,"result":{}}"""],
            lines);
    }

    /// <summary>Writes the lines to the simulator's stdin, closes it, and returns every line it wrote.</summary>
    private static async Task<string[]> ExchangeLinesAsync(params string[] requests)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in GuardedServer.BybitSimulator().Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        foreach (var request in requests)
        {
            await process.StandardInput.WriteLineAsync(request);
        }

        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(Ct).WaitAsync(TestConstants.DefaultTimeout, Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TestConstants.DefaultTimeout, Ct);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Orders_PlaceListCancel()
    {
        await using var client = await ConnectAsync();

        var placed = await CallAsync(
            client, "place_order",
            new()
            {
                ["category"] = "linear",
                ["symbol"] = "ETHUSDT",
                ["side"] = "Buy",
                ["orderType"] = "Limit",
                ["qty"] = "1",
                ["price"] = "3000"
            });
        var orderId = placed.GetProperty("result").GetProperty("orderId").GetString();
        var open = await CallAsync(client, "get_open_closed_orders", new() { ["category"] = "linear" });
        var cancelled = await CallAsync(
            client, "cancel_order", new() { ["category"] = "linear", ["symbol"] = "ETHUSDT", ["orderId"] = orderId });
        var again = await client.CallToolAsync(
            "cancel_order",
            new Dictionary<string, object?> { ["category"] = "linear", ["symbol"] = "ETHUSDT", ["orderId"] = orderId },
            cancellationToken: Ct);

        Assert.Contains(
            open.GetProperty("result").GetProperty("list").EnumerateArray(),
            o => o.GetProperty("orderId").GetString() == orderId);
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

        var result = await client.CallToolAsync(
            "place_order",
            new Dictionary<string, object?>
            {
                ["category"] = "spot",
                ["symbol"] = symbol,
                ["side"] = "Buy",
                ["orderType"] = "Market",
                ["qty"] = qty
            },
            cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("\"retCode\":10001", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    private static async Task<JsonElement> CallAsync(
        McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        Assert.NotEqual(true, result.IsError);
        return JsonDocument.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text).RootElement;
    }
}
