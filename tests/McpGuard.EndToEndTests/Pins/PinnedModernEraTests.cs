using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using static McpGuard.EndToEndTests.TestUtils.ModernRequest;

namespace McpGuard.EndToEndTests.Pins;

/// <summary>
/// The 2026-07-28 era, on raw lines (no initialize; every request carries its revision in <c>_meta</c>): pins
/// decide the same way, and a tools/list cache hint cannot outlive the pin check.
/// </summary>
public sealed class PinnedModernEraTests
{
    [Fact]
    public async Task ModernEra_ChangedToolDeniedNewToolHidden_TtlCappedToZero()
    {
        using var server = new ChangingServer(ChangingServer.PlaceOrder, ChangingServer.GetTime);
        var policy = await File.ReadAllTextAsync(
            await PinCommandTests.PinAsync(server, server.Policy(onChange: "deny")),
            TestContext.Current.CancellationToken);
        server.SetTools(
            ChangingServer.PlaceOrder.Replace("Spot only.", "Any market.", StringComparison.Ordinal),
            ChangingServer.GetTime, """{"name":"withdraw","inputSchema":{"type":"object"}}""");
        await using var guard = RawGuard.Start(policy, server.Command);

        // A call before any listing: the guard lists the server itself, in the client's era, and judges the pin.
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"place_order","arguments":{},""" + Meta
                + "}}");
        using var denied = JsonDocument.Parse(await guard.ReadLineContainingAsync("\"id\":1"));
        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{""" + Meta + "}}");
        using var first = JsonDocument.Parse(await guard.ReadLineContainingAsync("\"id\":2"));
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"p2",""" + Meta + "}}");
        using var second = JsonDocument.Parse(await guard.ReadLineContainingAsync("\"id\":3"));
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"withdraw","arguments":{},""" + Meta
                + "}}");
        var unknown = await guard.ReadLineContainingAsync("\"id\":4");

        var result = denied.RootElement.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains(
            "changed since it was pinned", result.GetProperty("content")[0].GetProperty("text").GetString(),
            StringComparison.Ordinal);
        var listed =
            new[] { first, second }.SelectMany(
                p => p.RootElement.GetProperty("result").GetProperty("tools").EnumerateArray())
            .Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["place_order", "get_time"], listed);
        Assert.All(
            new[] { first, second },
            p => Assert.Equal(0, p.RootElement.GetProperty("result").GetProperty("ttlMs").GetInt32()));
        Assert.Contains("Unknown tool: withdraw", unknown, StringComparison.Ordinal);
    }
}
