using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Limits;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// One message, one policy (docs/architecture.md#the-session-context): the policy is read once when a message's
/// handling starts, so a reload in the middle of it — here, while the store counts the first of the model's picks —
/// never decides the rest of that message under the new policy. The new policy allows nothing; every decision the
/// message still makes after the reload is the old policy's.
/// </summary>
public sealed class PolicySnapshotTests
{
    private const string Allowing = """
        version: 1
        default: allow
        sampling: { tools: judge }
        limits:
          rate_limit: { max: 100, window: 1h }
        """;

    private const string DenyingAll = """
        version: 1
        default: deny
        sampling: { tools: judge }
        """;

    private const string ModernMeta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"c\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{\"tools\":{}}}}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReloadWhileCountingAPick_TheCallCarryingItIsDecidedUnderTheSamePolicy()
    {
        var (session, client, server, store) = Start();
        await session.FromClientAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await server.NextAsync();
        await session.FromServerAsync(
            """{"jsonrpc":"2.0","id":"list","result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}}""");
        await client.NextAsync();

        // A 2026-07-28 retry that carries the model's pick: the pick is judged and counted first (the reload happens
        // then), the call itself after it.
        await session.FromClientAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{},\"inputResponses\":{\"pick\":{\"role\":\"assistant\","
                + "\"model\":\"m\",\"content\":{\"type\":\"tool_use\",\"id\":\"u1\",\"name\":\"echo\",\"input\":{}}}},"
                + ModernMeta + "}}");

        Assert.True(store.Reloaded);
        Assert.Contains("\"id\":5", await server.NextAsync(), StringComparison.Ordinal);
        Assert.True(client.IsDrained);
        await session.EndAsync("test over");
    }

    [Fact]
    public async Task ReloadWhileCountingTheFirstPick_TheSecondPickOfTheSameAnswerIsJudgedUnderTheSamePolicy()
    {
        var (session, client, server, store) = Start();
        await session.FromServerAsync("""
            {"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{"messages":[],"maxTokens":9,
            "tools":[{"name":"echo","inputSchema":{"type":"object"}}]}}
            """.ReplaceLineEndings(""));
        await client.NextAsync();

        var answer = """
            {"jsonrpc":"2.0","id":"s1","result":{"role":"assistant","model":"m","stopReason":"toolUse",
            "content":[{"type":"tool_use","id":"u1","name":"echo","input":{}},
            {"type":"tool_use","id":"u2","name":"echo","input":{}}]}}
            """.ReplaceLineEndings("");
        await session.FromClientAsync(answer);

        // Both picks allowed: the server gets the client's answer, not an error in its place.
        Assert.True(store.Reloaded);
        Assert.Equal(answer, await server.NextAsync());
        await session.EndAsync("test over");
    }

    private static (GuardSession, RecordingPeer, RecordingPeer, ReloadingStore) Start()
    {
        var store = new ReloadingStore(PolicyLoader.LoadText(DenyingAll, "deny.yaml").Policy!);
        var engine = new PolicyEngine(PolicyLoader.LoadText(Allowing, "p.yaml").Policy!, counters: store);
        store.Engine = engine;
        var (client, server) = (new RecordingPeer(), new RecordingPeer());
        var session = InMemorySession.Start(engine, client, server);
        return (session, client, server, store);
    }

    /// <summary>Counts in memory; the first count reloads the engine with <paramref name="next"/>, as a file
    /// change would while the message is being handled.</summary>
    private sealed class ReloadingStore(CompiledPolicy next) : TestMemoryStore
    {
        public PolicyEngine? Engine { get; set; }

        public bool Reloaded { get; private set; }

        public override string Description => "the reloading store";

        public override ValueTask<CountOutcome> TryCountAsync(
            IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
        {
            if (!Reloaded)
            {
                Reloaded = true;
                Engine!.Reload(next);
            }

            return Inner.TryCountAsync(demands, now, cancellationToken);
        }
    }
}
