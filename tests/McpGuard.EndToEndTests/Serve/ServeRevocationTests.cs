using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// <c>mcpguard agents revoke</c> while the agent holds things open on a running serve (docs/serve.md#agents): its
/// session's GET stream, its session and a 2026-07-28 call waiting for its answer all end, without a request of its
/// own to notice; the token then gets 401; another agent's session and stream go on.
/// </summary>
public sealed class ServeRevocationTests
{
    private const string Policy = "version: 1\ndefault: allow\nserve:\n  auth: { tokens: agents.yaml }\n";

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";

    private const string ModernWait = """
        {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"wait_ms","arguments":{"ms":600000},"_meta":{
        "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t",
        "version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Revoke_EndsTheAgentsStreamsSessionsAndCalls_NotAnothers()
    {
        var home = DeskProcess.NewHome();
        var policyPath = Path.Combine(home, "policy.yaml");
        var alice = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");
        var bob = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "bob");
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server], home: home);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var aliceSession = await OpenSessionAsync(http, guard, alice);
        var bobSession = await OpenSessionAsync(http, guard, bob);
        using var aliceStream = await SendAsync(http, guard, HttpMethod.Get, alice, aliceSession);
        using var bobStream = await SendAsync(http, guard, HttpMethod.Get, bob, bobSession);
        Assert.Equal(HttpStatusCode.OK, aliceStream.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bobStream.StatusCode);
        var aliceCall = SendAsync(http, guard, HttpMethod.Post, alice, null, ModernWait, ("tools/call", "wait_ms"));

        await ServeHttpBoundsTests.RunCliAsync(home, "agents", "revoke", "alice", "--policy", policyPath, Policy);

        // Nothing of alice's sends a request: the guard must notice the revocation itself. The bounds are generous
        // (the guard looks at the file every second); before the fix the stream stayed open for good.
        var ended = await ReadToEndAsync(aliceStream).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.True(ended, "alice's GET stream ended");
        var call = await OutcomeAsync(aliceCall).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.DoesNotContain("waited", call, StringComparison.Ordinal);
        var afterRevoke = await SendAsync(
            http, guard, HttpMethod.Post, alice, aliceSession, """{"jsonrpc":"2.0","id":3,"method":"ping"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        var bobPing = await SendAsync(
            http, guard, HttpMethod.Post, bob, bobSession, """{"jsonrpc":"2.0","id":3,"method":"ping"}""");
        Assert.Equal(HttpStatusCode.OK, bobPing.StatusCode);
        // Bob's GET stream is still attached: a second one is refused.
        using var bobSecond = await SendAsync(http, guard, HttpMethod.Get, bob, bobSession);
        Assert.Equal(HttpStatusCode.Conflict, bobSecond.StatusCode);
    }

    [Fact]
    public async Task Revoke_EndsTheSession_ItsIdIsUnknownToANewTokenOfTheSameName()
    {
        var home = DeskProcess.NewHome();
        var policyPath = Path.Combine(home, "policy.yaml");
        var old = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server], home: home);
        using var http = new HttpClient();
        var session = await OpenSessionAsync(http, guard, old);
        using var stream = await SendAsync(http, guard, HttpMethod.Get, old, session);

        // Revoked and added again before the guard may have looked: the old token's session still ends.
        await ServeHttpBoundsTests.RunCliAsync(home, "agents", "revoke", "alice", "--policy", policyPath, Policy);
        var fresh = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");

        Assert.True(await ReadToEndAsync(stream).WaitAsync(TimeSpan.FromSeconds(60), Ct));
        var ping = await SendAsync(
            http, guard, HttpMethod.Post, fresh, session, """{"jsonrpc":"2.0","id":3,"method":"ping"}""");
        Assert.Equal(HttpStatusCode.NotFound, ping.StatusCode);
    }

    /// <summary>
    /// A 2025 session ended by its client (DELETE) while a call waits for a person: the audit says the session ended,
    /// not that the guard stopped, which it did not. Before, every such end was recorded "the guard stopped before
    /// a person answered".
    /// </summary>
    [Fact]
    public async Task Delete_WhileACallAwaitsAPerson_AuditedAsTheSessionEnded()
    {
        const string policy = Policy + """
            tools:
              echo: require_approval
            approval:
              timeout: 60s
              progress: 1s
              channels: [command]
              command: [sleep, "120"]   # a person who does not answer while the test runs

            """;
        var home = DeskProcess.NewHome();
        var audit = Path.Combine(home, "audit.jsonl");
        var alice = await ServeHttpBoundsTests.AddAgentAsync(home, policy, "alice");
        var guard = await ServedGuard.StartAsync(policy, ["node", RepoPaths.V2Server], ["--audit", audit], home);
        await using (guard)
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var session = await OpenSessionAsync(http, guard, alice);
            using var call = new HttpRequestMessage(HttpMethod.Post, guard.Url)
            {
                Content = new StringContent(
                    """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":"""
                        + """{"text":"hi"},"_meta":{"progressToken":"p"}}}""",
                    Encoding.UTF8,
                    "application/json"),
            };
            call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice);
            call.Headers.Accept.ParseAdd("application/json, text/event-stream");
            call.Headers.Add("Mcp-Session-Id", session);
            using var held = await http.SendAsync(call, HttpCompletionOption.ResponseHeadersRead, Ct);
            using var events = new StreamReader(await held.Content.ReadAsStreamAsync(Ct));
            // The approver's progress: the call is held, waiting for the command's answer.
            while (await events.ReadLineAsync(Ct) is { } line && !line.Contains("notifications/progress"))
            {
            }

            using var delete = await SendAsync(http, guard, HttpMethod.Delete, alice, session);
            Assert.True(delete.IsSuccessStatusCode, $"DELETE answered {(int)delete.StatusCode}");
            await events.ReadToEndAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(143, await guard.TerminateAsync());
        }

        var records = await File.ReadAllLinesAsync(audit, Ct);
        Assert.Contains(records, r => r.Contains("\"decision\":\"cancelled\"", StringComparison.Ordinal)
            && r.Contains("the session ended before a person answered", StringComparison.Ordinal));
    }

    private static async Task<string> OpenSessionAsync(HttpClient http, ServedGuard guard, string token)
    {
        var initialize = await SendAsync(http, guard, HttpMethod.Post, token, null, Initialize);
        Assert.Equal(HttpStatusCode.OK, initialize.StatusCode);
        var session = initialize.Headers.GetValues("Mcp-Session-Id").Single();
        var initialized = await SendAsync(
            http, guard, HttpMethod.Post, token, session, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        Assert.Equal(HttpStatusCode.Accepted, initialized.StatusCode);
        return session;
    }

    /// <summary>The answer's body, or how the exchange was cut off.</summary>
    private static async Task<string> OutcomeAsync(Task<HttpResponseMessage> exchange)
    {
        try
        {
            using var response = await exchange;
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}";
        }
        catch (HttpRequestException ex)
        {
            return "cut off: " + ex.Message;
        }
    }

    /// <summary>True once the stream has ended, cleanly or cut off.</summary>
    private static async Task<bool> ReadToEndAsync(HttpResponseMessage response)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(Ct);
            var buffer = new byte[4096];
            while (await body.ReadAsync(buffer, Ct) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
        }

        return true;
    }

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, ServedGuard guard, HttpMethod method, string token, string? session, string? body = null,
        (string Method, string Name)? modern = null)
    {
        using var request = new HttpRequestMessage(method, guard.Url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd(body is null ? "text/event-stream" : "application/json, text/event-stream");
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (modern is { } headers)
        {
            request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
            request.Headers.Add("Mcp-Method", headers.Method);
            request.Headers.Add("Mcp-Name", headers.Name);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        if (body is not null)
        {
            await response.Content.LoadIntoBufferAsync(Ct);
        }

        return response;
    }
}
