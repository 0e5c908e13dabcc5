using System.Text.Json;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// Sampling with tools through the whole relay (docs/relay.md#tasks-and-sampling-with-tools): refused by default,
/// judged pick by pick under <c>sampling: { tools: judge }</c>, in both eras; the client's capability is passed on
/// only when picks are judged.
/// </summary>
public sealed class StdioRelaySamplingTests
{
    private const string Refusing = "version: 1\ndefault: allow\ntools:\n  place_order: deny\n";
    private const string Judging = Refusing + "sampling: { tools: judge }\n";

    private const string SamplingRequest =
        """{"jsonrpc":"2.0","id":"srv-7","method":"sampling/createMessage","params":"""
            + """{"messages":[],"maxTokens":9,"tools":[{"name":"echo","inputSchema":{"type":"object"}}"""
            + """,{"name":"place_order","inputSchema":{"type":"object"}}]}}""";

    private const string ModernMeta =
        "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"c\",\"version\":\"1\"}"
            + ",\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{\"tools\":{}}}}";

    [Theory]
    [InlineData("echo", true)]
    [InlineData("place_order", false)]
    public async Task LegacyEra_Judging_AllowedPickPassesOnAndDeniedPickBecomesAnError(string picked, bool passes)
    {
        using var server = FakeServer.Create([["echo", "place_order"]]);
        var audit = new RecordingAuditLog();
        await using var relay = RelayHarness.Start(Judging, server.CommandLine, audit: audit);
        await ServerSaysAsync(relay, SamplingRequest);
        Assert.Equal("sampling/createMessage", (await relay.ReadJsonAsync()).GetProperty("method").GetString());

        var answer = "{\"jsonrpc\":\"2.0\",\"id\":\"srv-7\",\"result\":{\"role\":\"assistant\",\"model\":\"m\","
            + "\"stopReason\":\"toolUse\",\"content\":[{\"type\":\"tool_use\",\"id\":\"u1\",\"name\":\"" + picked
            + "\",\"input\":{\"qty\":\"1\"}}]}}";
        await relay.SendAsync(answer);
        await relay.SyncAsync();

        var received = server.ReceivedText();
        Assert.Equal(passes, received.Contains(answer));
        Assert.Equal(
            !passes,
            received.Any(
                line => line.Contains("\"id\":\"srv-7\",\"error\"", StringComparison.Ordinal)
                    && line.Contains("the model picked place_order", StringComparison.Ordinal)));
        var decision = Assert.Single(audit.Decisions);
        Assert.True(decision.Sampled);
        Assert.Equal(picked, decision.Tool);
    }

    [Fact]
    public async Task LegacyEra_Refusing_ServerGetsAnErrorAndTheClientIsNeverAsked()
    {
        using var server = FakeServer.Create([["echo"]]);
        await using var relay = RelayHarness.Start(Refusing, server.CommandLine);

        await ServerSaysAsync(relay, SamplingRequest);
        // The first answer comes after the guard read the request and wrote its error to the server; the second
        // one after the server read that error.
        var seen = await relay.SyncAsync();
        await relay.SyncAsync("sync-2");

        Assert.DoesNotContain(seen, line => line.Contains("sampling/createMessage", StringComparison.Ordinal));
        Assert.Contains(
            server.ReceivedText(),
            line => line.Contains("\"id\":\"srv-7\",\"error\"", StringComparison.Ordinal)
                && line.Contains("sampling with tools", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Judging, "echo", true)]
    [InlineData(Judging, "place_order", false)]
    [InlineData(Refusing, "echo", false)]
    public async Task ModernEra_RetryCarryingPicks_ForwardedOnlyWhenEveryPickMayRun(
        string policy, string picked, bool forwarded)
    {
        using var server = FakeServer.Create([["echo", "place_order"]]);
        await using var relay = RelayHarness.Start(policy, server.CommandLine);
        var retry = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"text\":\"PICK-MARKER\"},\"inputResponses\":{\"pick\":{\"role\":\"assistant\","
            + "\"model\":\"m\",\"content\":{\"type\":\"tool_use\",\"id\":\"u1\",\"name\":\"" + picked
            + "\",\"input\":{}}}}," + ModernMeta + "}}";

        await relay.SendAsync(retry);
        var answer = await relay.ReadResponseAsync("5");
        await relay.SyncAsync();

        Assert.Equal(
            forwarded, server.ReceivedText().Any(line => line.Contains("PICK-MARKER", StringComparison.Ordinal)));
        if (!forwarded)
        {
            Assert.Equal("complete", answer.GetProperty("result").GetProperty("resultType").GetString());
            Assert.True(answer.GetProperty("result").GetProperty("isError").GetBoolean());
        }
    }

    [Theory]
    [InlineData(Refusing, false)]
    [InlineData(Judging, true)]
    public async Task ClientCapability_PassedOnOnlyWhenPicksAreJudged(string policy, bool passedOn)
    {
        using var server = FakeServer.Create([["echo"]]);
        await using var relay = RelayHarness.Start(policy, server.CommandLine);

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{"sampling":{"context":{}"""
                + ""","tools":{}},"elicitation":{}},"clientInfo":{"name":"c","version":"1"}}}""");
        await relay.ReadResponseAsync("1");
        await relay.SendAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" + ModernMeta + "}}");
        await relay.ReadResponseAsync("2");
        await relay.SyncAsync();

        var received = server.ReceivedText().Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        var initialize = received.Single(
            m => m.TryGetProperty("method", out var method) && method.GetString() == "initialize");
        var sampling = initialize.GetProperty("params").GetProperty("capabilities").GetProperty("sampling");
        Assert.Equal(passedOn, sampling.TryGetProperty("tools", out _));
        Assert.True(sampling.TryGetProperty("context", out _));
        Assert.True(initialize.GetProperty("params").GetProperty("capabilities").TryGetProperty("elicitation", out _));
        var list = received.Single(
            m => m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 2);
        var modern = list.GetProperty("params").GetProperty("_meta")
            .GetProperty("io.modelcontextprotocol/clientCapabilities").GetProperty("sampling");
        Assert.Equal(passedOn, modern.TryGetProperty("tools", out _));
    }

    private static Task ServerSaysAsync(RelayHarness relay, string line) =>
        relay.SendAsync(
            "{\"jsonrpc\":\"2.0\",\"method\":\"test/say\",\"params\":{\"line\":" + JsonSerializer.Serialize(line)
                + "}}");
}
