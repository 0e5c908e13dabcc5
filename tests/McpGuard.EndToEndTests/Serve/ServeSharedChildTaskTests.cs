using System.Net;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// 2026-07-28 requests of every agent share one child (docs/serve.md): a task one agent's call created is that
/// agent's. Another agent naming its id (tasks/get, which carries a completed task's result inline, tasks/cancel,
/// tasks/update) is answered as for a task it never created, and tasks/list, which the shared server answers with
/// every agent's tasks, is not passed to it.
/// </summary>
public sealed class ServeSharedChildTaskTests
{
    private const string Modern = ModernRequest.Meta;

    private const string Server =
        """{"era":"modernOnly","pages":[[{"name":"as_modern_task","inputSchema":{"type":"object"}}]]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnotherAgentsTask_NotReadNorCancelled_AndTasksListNotPassedOn()
    {
        var home = DeskProcess.NewHome();
        const string Policy = "version: 1\ndefault: allow\nserve:\n  auth: { tokens: agents.yaml }\n";
        var alice = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");
        var bob = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "bob");
        var record = Path.Combine(home, "server.log");
        await using var guard = await ServedGuard.StartAsync(
            Policy, ["dotnet", RepoPaths.RawServerDll, record, Server], home: home);
        using var http = new HttpClient();

        using var created = await PostAsync(http, guard, alice, "tools/call", "as_modern_task",
            "{\"name\":\"as_modern_task\",\"arguments\":{\"task\":\"completed-alice\"}");
        using var alicesGet = await PostAsync(http, guard, alice, "tasks/get", "completed-alice",
            "{\"taskId\":\"completed-alice\"");
        using var bobsGet = await PostAsync(http, guard, bob, "tasks/get", "completed-alice",
            "{\"taskId\":\"completed-alice\"");
        using var bobsCancel = await PostAsync(http, guard, bob, "tasks/cancel", "completed-alice",
            "{\"taskId\":\"completed-alice\"");
        using var bobsList = await PostAsync(http, guard, bob, "tasks/list", null, "{");

        Assert.Contains(
            "\"resultType\":\"task\"", await created.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("task done: completed-alice", await alicesGet.Content.ReadAsStringAsync(Ct),
            StringComparison.Ordinal);
        var bobs = await bobsGet.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("task done", bobs, StringComparison.Ordinal);
        Assert.Contains("Unknown task: completed-alice", bobs, StringComparison.Ordinal);
        Assert.Contains("Unknown task: completed-alice", await bobsCancel.Content.ReadAsStringAsync(Ct),
            StringComparison.Ordinal);
        Assert.Contains("\"error\"", await bobsList.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var received = await File.ReadAllTextAsync(record, Ct);
        Assert.Single(received.Split('\n'), line => line.Contains("\"tasks/get\"", StringComparison.Ordinal));
        Assert.DoesNotContain("tasks/cancel", received, StringComparison.Ordinal);
        Assert.DoesNotContain("tasks/list", received, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(
        HttpClient http, ServedGuard guard, string token, string method, string? name, string paramsStart)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + paramsStart
            + (paramsStart == "{" ? "" : ",") + Modern + "}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, guard.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (name is not null)
        {
            request.Headers.Add("Mcp-Name", name);
        }

        var response = await http.SendAsync(request, Ct);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }
}
