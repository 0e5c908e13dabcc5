using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// In <c>run</c> the agent is the local user (docs/audit.md): every decision and outcome record names them, as a
/// <c>serve</c> record names the authenticated agent.
/// </summary>
public sealed class RunAuditAgentTests
{
    private const string Policy = """
        version: 1
        default: deny
        tools:
          echo: allow
        """;

    [Fact]
    public async Task AllowedAndDeniedCalls_RecordsNameTheLocalUser()
    {
        using var server = FakeServer.Create([["echo", "drop_table"]]);
        var audit = new RecordingAuditLog();
        await using var relay = RelayHarness.Start(Policy, server.CommandLine, RelayHarness.FastShutdown, audit: audit);
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}""");
        await relay.ReadResponseAsync("1");
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"drop_table","arguments":{}}}""");
        await relay.ReadResponseAsync("2");

        Assert.False(string.IsNullOrEmpty(Environment.UserName));
        Assert.Equal(2, audit.Decisions.Count);
        Assert.All(audit.Decisions, d => Assert.Equal(Environment.UserName, d.Agent));
        Assert.Equal(Environment.UserName, Assert.Single(audit.Outcomes).Agent);
    }
}
