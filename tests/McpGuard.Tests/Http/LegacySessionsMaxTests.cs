using McpGuard.Audit;
using McpGuard.Http;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.Http;

/// <summary>
/// docs/serve.md: <c>sessions.max</c> bounds the 2025 sessions open at once, also when their <c>initialize</c>s
/// arrive together. Starting a session's child takes a while (a process spawn); an <c>initialize</c> that arrives
/// meanwhile must find that slot taken. Forced here by opening the second session from inside the first one's child
/// start, the ordering that concurrent <c>initialize</c>s hit (nine at once against <c>max: 8</c> all got 200).
/// </summary>
public sealed class LegacySessionsMaxTests
{
    [Fact]
    public async Task Open_WhileAnotherSessionsChildIsStarting_CountsThatSessionAgainstMax()
    {
        var policy = PolicyLoader.LoadText(RelayPolicies.Standard, "test.yaml").Policy!;
        var launcher = new GuardLauncher(
            new SessionPolicy(new PolicyEngine(policy)), new NullAuditLog(), RelayHarness.FastShutdown, ["cat"],
            "test-server", NullLoggerFactory.Instance, Stream.Null);
        LegacySessions sessions = null!;
        var nested = new List<LegacySession?>();
        sessions = new LegacySessions(launcher, max: 1, TimeSpan.FromMinutes(5), TimeProvider.System, (agent, id) =>
        {
            if (nested.Count == 0)
            {
                nested.Add(null);
                nested[0] = sessions.Open("bob", TestContext.Current.CancellationToken);
            }

            return new GatewayRelay(launcher, sharedByClients: false, agent, id);
        });

        var first = sessions.Open("alice", TestContext.Current.CancellationToken);
        var count = sessions.Count;
        await sessions.StopAllAsync().WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.NotNull(first);
        Assert.Null(nested[0]);
        Assert.Equal(1, count);
    }
}
