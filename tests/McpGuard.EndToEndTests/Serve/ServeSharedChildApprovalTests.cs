using System.Net;
using System.Text;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// A 2026-07-28 approval question (the guard's <c>input_required</c>, docs/approval.md#the-2026-07-28-era) is asked
/// for one agent and shows the person that agent ("Asked by: alice"): its <c>requestState</c> in another agent's
/// retry approves nothing and does not use the question up; that agent's call is a question of its own.
/// </summary>
public sealed class ServeSharedChildApprovalTests
{
    private const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{\"form\":{}}}}";

    private const string Policy = """
        version: 1
        default: allow
        serve:
          auth: { tokens: agents.yaml }
        approval:
          channels: [elicitation]
        tools:
          place_order: require_approval
        """;

    private const string Server = """{"pages":[[{"name":"place_order","inputSchema":{"type":"object"}}]]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnotherAgentsApprovalState_AsksThatAgent_AndLeavesTheQuestionOpen()
    {
        var home = DeskProcess.NewHome();
        var alice = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");
        var bob = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "bob");
        var record = Path.Combine(home, "server.log");
        await using var guard = await ServedGuard.StartAsync(
            Policy, ["dotnet", RepoPaths.RawServerDll, record, Server], home: home);
        using var http = new HttpClient();

        var question = await CallAsync(http, guard, alice, 1, "");
        var state = RequestState(question);
        const string Approve = "\"inputResponses\":{\"mcpguard/approval\":"
            + "{\"action\":\"accept\",\"content\":{\"approve\":true}}},";
        var bobs = await CallAsync(http, guard, bob, 2, Approve + "\"requestState\":\"" + state + "\",");
        var alices = await CallAsync(http, guard, alice, 3, Approve + "\"requestState\":\"" + state + "\",");

        Assert.Contains("Asked by: alice", question, StringComparison.Ordinal);
        Assert.Contains("\"input_required\"", bobs, StringComparison.Ordinal);
        Assert.Contains("Asked by: bob", bobs, StringComparison.Ordinal);
        Assert.DoesNotContain("\"input_required\"", alices, StringComparison.Ordinal);
        Assert.DoesNotContain("Denied", alices, StringComparison.Ordinal);
        var received = await File.ReadAllTextAsync(record, Ct);
        var calls = received.Split('\n').Where(line => line.Contains("\"tools/call\"", StringComparison.Ordinal));
        Assert.Single(calls);
    }

    private static string RequestState(string answer)
    {
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.GetProperty("result").GetProperty("requestState").GetString()!;
    }

    private static async Task<string> CallAsync(HttpClient http, ServedGuard guard, string token, int id, string extra)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{"
            + "\"name\":\"place_order\",\"arguments\":{\"qty\":\"5\"}," + extra + Meta + "}}";
        using var request = ModernRequest.Post(guard.Url, body, "tools/call", "place_order");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
