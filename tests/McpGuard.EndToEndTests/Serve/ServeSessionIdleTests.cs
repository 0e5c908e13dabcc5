using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// <c>sessions.idle</c> ends a 2025 session nobody uses, not one that is busy: a call still waiting for its server
/// is a request of the session, so the session (and its child) lives until it is answered.
/// </summary>
public sealed class ServeSessionIdleTests
{
    [Fact]
    public async Task CallLongerThanIdle_IsAnswered_AndTheSessionGoesOn()
    {
        // With idle 5s the sweep runs every 1.25 s (a quarter of it): an 8 s call outlives three sweeps that would find
        // the session idle. The echo after it must come within the 5 s (idle 1s was a thin margin on a loaded machine).
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\nserve: { sessions: { idle: 5s } }\n", ["node", RepoPaths.V2Server]);
        await using var client = await guard.ConnectAsync(new McpClientOptions { ProtocolVersion = "2025-06-18" });

        var waited = await client.CallToolAsync(
            "wait_ms", new Dictionary<string, object?> { ["ms"] = 8000 },
            cancellationToken: TestContext.Current.CancellationToken);
        var echoed = await client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["text"] = "still here" },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("waited 8000", Assert.IsType<TextContentBlock>(Assert.Single(waited.Content)).Text);
        Assert.Equal("echo: still here", Assert.IsType<TextContentBlock>(Assert.Single(echoed.Content)).Text);
    }
}
