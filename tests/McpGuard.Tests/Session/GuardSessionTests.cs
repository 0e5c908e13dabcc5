using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// The session core without a transport (docs/architecture.md): whole messages in, whole messages out to each
/// peer, as an HTTP transport drives it: a message may be pretty-printed JSON with raw newlines.
/// </summary>
public sealed class GuardSessionTests : IAsyncDisposable
{
    private const string ToolList = """
        {"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}},
        {"name":"danger","inputSchema":{"type":"object"}},{"name":"secret","inputSchema":{"type":"object"}}]}}
        """;

    private readonly RecordingPeer _client = new();
    private readonly RecordingPeer _server = new();
    private readonly RecordingAuditLog _audit = new();
    private readonly GuardSession _session;

    public GuardSessionTests()
    {
        var engine = new PolicyEngine(PolicyLoader.LoadText(RelayPolicies.Standard, "test.yaml").Policy!);
        _session = InMemorySession.Start(engine, _client, _server, _audit, serverName: "test-server");
    }

    [Fact]
    public async Task PrettyPrintedMessages_ListedThenCalled_ForwardedWholeAndAnsweredFiltered()
    {
        await _session.FromClientAsync("""
            {
              "jsonrpc": "2.0",
              "id": 1,
              "method": "tools/list"
            }
            """);
        Assert.Contains("\"tools/list\"", await _server.NextAsync());
        await _session.FromServerAsync(ToolList);
        var listed = await _client.NextAsync();
        Assert.Contains("\"echo\"", listed);
        Assert.DoesNotContain("\"secret\"", listed);

        var call = """
            {"jsonrpc":"2.0","id":2,"method":"tools/call",
             "params":{"name":"echo","arguments":{"text":"hi"}}}
            """;
        await _session.FromClientAsync(call);
        Assert.Equal(call, await _server.NextAsync());
        await _session.FromServerAsync("""{"jsonrpc":"2.0","id":2,"result":{"content":[]}}""");
        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":{"content":[]}}""", await _client.NextAsync());
    }

    [Fact]
    public async Task DeniedCall_AnsweredToClientPeer_ServerPeerGetsNothingOfIt()
    {
        await ListToolsAsync();

        await _session.FromClientAsync("""
            {"jsonrpc":"2.0","id":"d","method":"tools/call",
             "params":{"name":"danger","arguments":{}}}
            """);

        var answer = await _client.NextAsync();
        Assert.Contains("\"id\":\"d\"", answer);
        Assert.Contains("\"isError\":true", answer);
        Assert.True(_server.IsDrained);
    }

    [Fact]
    public async Task EndAsync_RequestInFlight_AnsweredWithTheTransportsWordsThenClientSideClosed()
    {
        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":7,"method":"resources/list"}""");
        await _server.NextAsync();

        await _session.EndAsync("The upstream server went away before answering.");

        var answer = await _client.NextAsync();
        Assert.Contains("\"id\":7", answer);
        Assert.Contains("The upstream server went away before answering.", answer);
        Assert.True(_client.Closed);
    }

    [Fact]
    public async Task EndAsync_ToolCallInFlight_ItsOutcomeIsRecordedAsTheErrorTheClientGot()
    {
        // docs/audit.md: one outcome per forwarded call, also when the guard answers it because the server went away.
        await ListToolsAsync();
        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}}""");
        await _server.NextAsync();

        await _session.EndAsync("The MCP server exited (code 137) before answering.");

        Assert.Contains("-32603", await _client.NextAsync());
        var outcome = Assert.Single(_audit.Outcomes);
        Assert.Equal("echo", outcome.Tool);
        Assert.Equal(Assert.Single(_audit.Decisions).CallId, outcome.CallId);
        Assert.True(outcome.IsError);
        Assert.Equal(-32603, outcome.ErrorCode);
    }

    [Fact]
    public async Task CancelledAfterForwarding_OutcomeRecordedAsCancelled_LateAnswerDroppedButRecorded()
    {
        // docs/audit.md#outcome: every forwarded call ends with an outcome record, also one the client cancelled;
        // docs/audit.md#late_answer: the server's late answer reaches no client but is recorded. Before, it was
        // dropped without a trace, so the log could not tell whether the server acted on the withdrawn call.
        await ListToolsAsync();
        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}}""");
        await _server.NextAsync();

        await _session.FromClientAsync(
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"user"}}""");
        Assert.Contains("notifications/cancelled", await _server.NextAsync());
        await _session.FromServerAsync("""{"jsonrpc":"2.0","id":2,"result":{"content":[]}}""");
        await _session.EndAsync("The MCP server exited (code 0) before answering.");

        Assert.True(_client.IsDrained);
        Assert.Equal(2, _audit.Outcomes.Count);
        var outcome = _audit.Outcomes.First();
        Assert.Equal(Assert.Single(_audit.Decisions).CallId, outcome.CallId);
        Assert.Equal("echo", outcome.Tool);
        Assert.True(outcome.Cancelled);
        Assert.False(outcome.LateAnswer);
        Assert.False(outcome.IsError);
        Assert.Null(outcome.ErrorCode);
        var late = _audit.Outcomes.Last();
        Assert.Equal(outcome.CallId, late.CallId);
        Assert.Equal("echo", late.Tool);
        Assert.True(late.LateAnswer);
        Assert.False(late.Cancelled);
        Assert.False(late.IsError);
    }

    [Fact]
    public async Task CancelledAfterForwarding_LateErrorAnswer_RecordedWithItsCodeOnce()
    {
        // docs/audit.md#late_answer: a late error says the server did not run the call; a second answer on the id
        // (nobody awaits it any more) writes nothing; a withdrawn request that is not a tools/call writes nothing.
        await ListToolsAsync();
        await _session.FromClientAsync(
            """{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"echo"}}""");
        await _server.NextAsync();
        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":3,"method":"resources/list"}""");
        await _server.NextAsync();
        await _session.FromClientAsync(
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c"}}""");
        await _server.NextAsync();
        await _session.FromClientAsync(
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}""");
        await _server.NextAsync();

        await _session.FromServerAsync("""{"jsonrpc":"2.0","id":3,"result":{"resources":[]}}""");
        await _session.FromServerAsync(
            """{"jsonrpc":"2.0","id":"c","error":{"code":-32800,"message":"Request cancelled"}}""");
        await _session.FromServerAsync("""{"jsonrpc":"2.0","id":"c","result":{"content":[]}}""");
        await _session.EndAsync("The MCP server exited (code 0) before answering.");

        Assert.True(_client.IsDrained);
        Assert.Equal(2, _audit.Outcomes.Count);
        var late = _audit.Outcomes.Last();
        Assert.True(late.LateAnswer);
        Assert.True(late.IsError);
        Assert.Equal(-32800, late.ErrorCode);
    }

    [Fact]
    public async Task CancelledAfterForwarding_IdReusedBeforeTheLateAnswer_RefusedAndNeverGivenTheLateAnswer()
    {
        // docs/relay.md#ids: the server may still answer a request the client cancelled, under its id; a new request
        // on that id could not be told apart from it. Before, the new request (here a tools/call) was forwarded and
        // got the cancelled request's late answer (here a resources/list result) as its own.
        await ListToolsAsync();
        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":2,"method":"resources/list"}""");
        await _server.NextAsync();
        await _session.FromClientAsync(
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"user"}}""");
        Assert.Contains("notifications/cancelled", await _server.NextAsync());

        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}}""");
        var refused = await _client.NextAsync();
        await _session.FromServerAsync("""{"jsonrpc":"2.0","id":2,"result":{"resources":[]}}""");
        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}}""");
        var forwarded = await _server.NextAsync();
        await _session.FromServerAsync("""{"jsonrpc":"2.0","id":2,"result":{"content":[]}}""");

        Assert.Contains("\"id\":2", refused);
        Assert.Contains("-32600", refused);
        Assert.Contains("cancelled", refused);
        Assert.Contains("tools/call", forwarded);
        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":{"content":[]}}""", await _client.NextAsync());
        Assert.True(_client.IsDrained);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>The client lists the tools (id 1) and gets the server's list: the session knows them.</summary>
    private async Task ListToolsAsync()
    {
        await _session.FromClientAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        await _server.NextAsync();
        await _session.FromServerAsync(ToolList);
        await _client.NextAsync();
    }
}
