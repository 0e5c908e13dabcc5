using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Limits;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// The session owns its background work (docs/architecture.md#the-session-core): a forwarded call's counts, given
/// back when the server answers with a JSON-RPC error, are given back before the session's end returns, so the
/// transport never closes the counter store under a give-back.
/// </summary>
public sealed class BackgroundWorkTests
{
    private const string Policy = """
        version: 1
        default: allow
        limits:
          rate_limit: { max: 5, window: 1m }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EndAsync_GiveBackStillRunning_WaitsForItBeforeReturning()
    {
        var store = new SlowGiveBackStore();
        var engine = new PolicyEngine(PolicyLoader.LoadText(Policy, "p.yaml").Policy!, counters: store);
        var client = new RecordingPeer();
        var server = new RecordingPeer();
        var session = InMemorySession.Start(engine, client, server);
        await session.FromClientAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        await server.NextAsync();
        await session.FromServerAsync(
            """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}}""");
        await client.NextAsync();
        await session.FromClientAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}}""");
        await server.NextAsync();

        // The tool did not run: its count is given back, and the store takes its time.
        await session.FromServerAsync("""{"jsonrpc":"2.0","id":2,"error":{"code":-32603,"message":"boom"}}""");
        await store.GivingBack;
        var ending = session.EndAsync("gone");

        Assert.False(ending.IsCompleted, "the session ended while its give-back was still running");
        store.Finish();
        await ending;
        Assert.True(store.GivenBack);
    }

    /// <summary>A memory store whose give-back waits until the test lets it finish.</summary>
    private sealed class SlowGiveBackStore : TestMemoryStore
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override string Description => "the slow store";

        public Task GivingBack => _started.Task;

        public bool GivenBack { get; private set; }

        public void Finish() => _finish.TrySetResult();

        public override async ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await _finish.Task.WaitAsync(cancellationToken);
            GivenBack = await Inner.GiveBackAsync(receipt, cancellationToken);
            return GivenBack;
        }
    }
}
