using System.Text.Json;
using CsCheck;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// Arrival order is decision order (docs/relay.md#arrival-order): a burst of calls sent together, some waiting
/// for the guard's own tools/list (the client did not list first), some for a counter store that does not answer
/// at once, with ids like "a", 1 and "1", against <c>rate_limit: { max: K }</c>: exactly the first K calls, in the
/// order they arrived, are forwarded, and the server receives them in that order; the rest are denied. The same holds
/// with 2026-07-28 retries of a server's input-required round and calls that carry the model's tool picks among them
/// (each pick counts too): they wait their turn like any call.
/// </summary>
public sealed class ArrivalOrderPropertyTests
{
    private static readonly string[] s_ids = ["\"a\"", "1", "\"1\"", "\"b\"", "2", "\"2\"", "\"c\"", "3"];

    [Fact]
    public void Burst_MixedWaitsIdsAndLimits_DecidedCountedAndForwardedInArrivalOrder()
    {
        Gen.Select(Gen.Int[1, s_ids.Length], Gen.Int[1, s_ids.Length], Gen.Bool, Gen.Bool)
            .Sample(
                (calls, max, listFirst, gatedStore) =>
                    BurstAsync(calls, max, listFirst, gatedStore).GetAwaiter().GetResult(),
                iter: 60);
    }

    private const string ModernMeta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"c\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{\"tools\":{}}}}";

    /// <summary>What each call of a burst is: a plain call, a retry, or a call carrying a pick of the model.</summary>
    private static readonly string[] s_kinds =
    [
        """{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"echo"}}""",
        "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{},"
            + "\"requestState\":\"c2VydmVy\",\"inputResponses\":{\"confirm\":{\"action\":\"accept\"}},"
            + ModernMeta + "}}",
        "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{},"
            + "\"inputResponses\":{\"pick\":{\"role\":\"assistant\",\"model\":\"m\",\"content\":{\"type\":\"tool_use\","
            + "\"id\":\"u1\",\"name\":\"echo\",\"input\":{}}}}," + ModernMeta + "}}",
    ];

    [Fact]
    public void Burst_WithRetriesAndPicks_DecidedCountedAndForwardedInArrivalOrder()
    {
        // Kinds in base 3, one digit per call. A pick is counted where the call is decided; a store that does not
        // answer at once would stall the pump there (as it does for picks outside a turn), so picks are drawn only
        // with the memory store.
        Gen.Select(Gen.Int[1, s_ids.Length], Gen.Int[1, s_ids.Length], Gen.Bool, Gen.Bool, Gen.Int[0, 6560])
            .Sample((calls, max, listFirst, gatedStore, kinds) =>
            {
                var drawn = Enumerable.Range(0, calls).Select(i => kinds / (int)Math.Pow(3, i) % 3)
                    .Select(kind => gatedStore && kind == 2 ? 1 : kind).ToArray();
                BurstAsync(calls, max, listFirst, gatedStore, drawn).GetAwaiter().GetResult();
            }, iter: 80);
    }

    [Fact]
    public async Task CallBeforeToolsList_HeldForTheGuardsListing_KeepsTheCallIdMintedOnArrival()
    {
        var engine = new PolicyEngine(PolicyLoader.LoadText("version: 1\ndefault: allow\n", "p.yaml").Policy!);
        var (client, server, audit) = (new RecordingPeer(), new RecordingPeer(), new RecordingAuditLog());
        var session = InMemorySession.Start(engine, client, server, audit);
        await session.FromClientAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}""");
        using var own = JsonDocument.Parse(await server.NextAsync());
        var ownId = own.RootElement.GetProperty("id").GetRawText();
        const string Listed =
            """{"jsonrpc":"2.0","id":ID,"result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}}""";
        await session.FromServerAsync(Listed.Replace("ID", ownId, StringComparison.Ordinal));

        Assert.Contains("\"id\":1", await server.NextAsync(), StringComparison.Ordinal);
        Assert.Equal("test-1", Assert.Single(audit.Decisions).CallId);
        await session.EndAsync("test over");
    }

    private static async Task BurstAsync(
        int calls, int max, bool clientListsFirst, bool gatedStore, int[]? kinds = null)
    {
        kinds ??= new int[calls];
        var policy = PolicyLoader.LoadText($$"""
            version: 1
            default: allow
            sampling: { tools: judge }
            limits:
              rate_limit: { max: {{max}}, window: 1h }
            """, "p.yaml").Policy!;
        var store = gatedStore ? new GatedCounterStore() : null;
        var engine = new PolicyEngine(policy, counters: store);
        var client = new RecordingPeer();
        var server = new RecordingPeer();
        var session = InMemorySession.Start(engine, client, server);
        const string Tools = """{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}""";
        if (clientListsFirst)
        {
            await session.FromClientAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
            await server.NextAsync();
            await session.FromServerAsync("""{"jsonrpc":"2.0","id":"list","result":""" + Tools + "}");
            await client.NextAsync();
        }

        var ids = s_ids.Take(calls).ToArray();
        for (var i = 0; i < calls; i++)
        {
            var call = s_kinds[kinds[i]].Replace("ID", ids[i], StringComparison.Ordinal);
            await session.FromClientAsync(call);
        }

        if (!clientListsFirst)
        {
            // The guard lists the tools itself: answer its own request (its id is its own).
            using var own = JsonDocument.Parse(await server.NextAsync());
            Assert.Equal("tools/list", own.RootElement.GetProperty("method").GetString());
            var ownId = own.RootElement.GetProperty("id").GetRawText();
            await session.FromServerAsync(
                """{"jsonrpc":"2.0","id":ID,"result":""".Replace("ID", ownId, StringComparison.Ordinal) + Tools + "}");
        }

        store?.Open();
        var expected = Expected(ids, kinds, max);
        var received = new List<string>();
        for (var i = 0; i < expected.Count; i++)
        {
            using var call = JsonDocument.Parse(await server.NextAsync());
            received.Add(call.RootElement.GetProperty("id").GetRawText());
        }

        var denied = new List<string>();
        for (var i = expected.Count; i < calls; i++)
        {
            using var answer = JsonDocument.Parse(await client.NextAsync());
            Assert.Contains("Denied by policy", answer.RootElement.GetRawText(), StringComparison.Ordinal);
            denied.Add(answer.RootElement.GetProperty("id").GetRawText());
        }

        Assert.Equal(expected, received);
        Assert.Equal(ids.Except(expected).Order(StringComparer.Ordinal), denied.Order(StringComparer.Ordinal));
        Assert.True(server.IsDrained && client.IsDrained);
        await session.EndAsync("test over");
    }

    /// <summary>
    /// The calls forwarded when each is decided in arrival order against <c>max</c> counts: a call takes one; a call
    /// carrying a pick takes one for the pick first (no count left: the pick, and so the call, is refused) and then
    /// one for itself, the pick's count staying when the call itself is refused.
    /// </summary>
    private static List<string> Expected(string[] ids, int[] kinds, int max)
    {
        var left = max;
        var forwarded = new List<string>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (kinds[i] == 2 && left-- <= 0)
            {
                continue;
            }

            if (left > 0)
            {
                left--;
                forwarded.Add(ids[i]);
            }
        }

        return forwarded;
    }
}
