using McpGuard.Approval;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// One guard, one label (docs/approval.md): the person asked sees the server under the same name as the desk's
/// picture and the audit log give it — the guard's own (<c>run --name</c>, else its command) — never a name the
/// server reports for itself, which is untrusted and would label one guard two ways on the desk.
/// </summary>
public sealed class ApprovalLabelTests
{
    private const string Policy = "version: 1\ndefault: require_approval\nstate: { store: memory }\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApprovalRequest_ServerReportsAnotherName_LabelledByTheGuardsOwnName()
    {
        var engine = new PolicyEngine(PolicyLoader.LoadText(Policy, "p.yaml").Policy!);
        var approver = new RecordingApprover();
        var client = new RecordingPeer();
        var server = new RecordingPeer();
        var session = InMemorySession.Start(engine, client, server, approver: approver, serverName: "run-server");
        await session.FromClientAsync(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","""
                + """ "params":{"protocolVersion":"2025-06-18","capabilities":{},"""
                + """ "clientInfo":{"name":"t","version":"1"}}}""");
        await server.NextAsync();
        await session.FromServerAsync(
            """{"jsonrpc":"2.0","id":0,"result":{"""
                + """ "protocolVersion":"2025-06-18","capabilities":{},"""
                + """ "serverInfo":{"name":"bybit-mcp","version":"1"}}}""");
        await client.NextAsync();
        await session.FromClientAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        await server.NextAsync();
        await session.FromServerAsync(
            """{"jsonrpc":"2.0","id":1,"result":{"tools":"""
                + """[{"name":"place_order","inputSchema":{"type":"object"}}]}}""");
        await client.NextAsync();

        await session.FromClientAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"place_order","arguments":{}}}""");

        Assert.Equal("run-server", (await approver.Asked.Task.WaitAsync(RelayHarness.Timeout())).ServerName);
    }

    private sealed class RecordingApprover : IApprover
    {
        public TaskCompletionSource<ApprovalRequest> Asked { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken)
        {
            Asked.TrySetResult(request);
            return Task.FromResult(ApprovalOutcome.Refuse("no person in this test."));
        }
    }
}
