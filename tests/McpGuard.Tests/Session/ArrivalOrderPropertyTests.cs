using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.Session;

/// <summary>
/// Arrival order is decision order (docs/relay.md#arrival-order): a burst of calls sent together, some waiting
/// for the guard's own tools/list (the client did not list first), some for a counter store that does not answer
/// at once, with ids like "a", 1 and "1", against <c>rate_limit: { max: K }</c>: exactly the first K calls, in the
/// order they arrived, are forwarded, and the server receives them in that order; the rest are denied.
/// </summary>
public sealed class ArrivalOrderPropertyTests
{
    private static readonly string[] s_ids = ["\"a\"", "1", "\"1\"", "\"b\"", "2", "\"2\"", "\"c\"", "3"];

    [Fact]
    public void Burst_MixedWaitsIdsAndLimits_DecidedCountedAndForwardedInArrivalOrder()
    {
        Gen.Select(Gen.Int[1, s_ids.Length], Gen.Int[1, s_ids.Length], Gen.Bool, Gen.Bool)
            .Sample((calls, max, listFirst, gatedStore) => BurstAsync(calls, max, listFirst, gatedStore).GetAwaiter().GetResult(), iter: 60);
    }

    [Fact]
    public async Task CallBeforeToolsList_HeldForTheGuardsListing_KeepsTheCallIdMintedOnArrival()
    {
        var engine = new PolicyEngine(PolicyLoader.LoadText("version: 1\ndefault: allow\n", "p.yaml").Policy!);
        var (client, server, audit) = (new RecordingPeer(), new RecordingPeer(), new RecordingAuditLog());
        var session = new GuardSession(
            client, server, engine, channels => Approvers.Create(engine, new ElicitationChannel(channels), NullLoggerFactory.Instance),
            audit, new SessionOptions(), "cmd", NullLoggerFactory.Instance, TestContext.Current.CancellationToken);
        await SendAsync(session.HandleClientMessageAsync, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}""");
        using var own = JsonDocument.Parse(await server.NextAsync());
        var ownId = own.RootElement.GetProperty("id").GetRawText();
        await SendAsync(session.HandleServerMessageAsync, """{"jsonrpc":"2.0","id":ID,"result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}}""".Replace("ID", ownId, StringComparison.Ordinal));

        Assert.Contains("\"id\":1", await server.NextAsync(), StringComparison.Ordinal);
        Assert.Equal("test-1", Assert.Single(audit.Decisions).CallId);
        await session.EndAsync("test over");
    }

    private static async Task BurstAsync(int calls, int max, bool clientListsFirst, bool gatedStore)
    {
        var policy = PolicyLoader.LoadText($$"""
            version: 1
            default: allow
            limits:
              rate_limit: { max: {{max}}, window: 1h }
            """, "p.yaml").Policy!;
        var store = gatedStore ? new GatedCounterStore() : null;
        var engine = new PolicyEngine(policy, counters: store);
        var client = new RecordingPeer();
        var server = new RecordingPeer();
        var session = new GuardSession(
            client, server, engine, channels => Approvers.Create(engine, new ElicitationChannel(channels), NullLoggerFactory.Instance),
            new NullAuditLog(), new SessionOptions(), "cmd", NullLoggerFactory.Instance, TestContext.Current.CancellationToken);
        const string Tools = """{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}""";
        if (clientListsFirst)
        {
            await SendAsync(session.HandleClientMessageAsync, """{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
            await server.NextAsync();
            await SendAsync(session.HandleServerMessageAsync, """{"jsonrpc":"2.0","id":"list","result":""" + Tools + "}");
            await client.NextAsync();
        }

        var ids = s_ids.Take(calls).ToArray();
        foreach (var id in ids)
        {
            await SendAsync(session.HandleClientMessageAsync, """{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"echo"}}""".Replace("ID", id, StringComparison.Ordinal));
        }

        if (!clientListsFirst)
        {
            // The guard lists the tools itself: answer its own request (its id is its own).
            using var own = JsonDocument.Parse(await server.NextAsync());
            Assert.Equal("tools/list", own.RootElement.GetProperty("method").GetString());
            var ownId = own.RootElement.GetProperty("id").GetRawText();
            await SendAsync(session.HandleServerMessageAsync, """{"jsonrpc":"2.0","id":ID,"result":""".Replace("ID", ownId, StringComparison.Ordinal) + Tools + "}");
        }

        store?.Open();
        var forwarded = Math.Min(max, calls);
        var received = new List<string>();
        for (var i = 0; i < forwarded; i++)
        {
            using var call = JsonDocument.Parse(await server.NextAsync());
            received.Add(call.RootElement.GetProperty("id").GetRawText());
        }

        var denied = new List<string>();
        for (var i = forwarded; i < calls; i++)
        {
            using var answer = JsonDocument.Parse(await client.NextAsync());
            Assert.Contains("Denied by policy", answer.RootElement.GetRawText(), StringComparison.Ordinal);
            denied.Add(answer.RootElement.GetProperty("id").GetRawText());
        }

        Assert.Equal(ids.Take(forwarded), received);
        Assert.Equal(ids.Skip(forwarded).Order(StringComparer.Ordinal), denied.Order(StringComparer.Ordinal));
        Assert.True(server.IsDrained && client.IsDrained);
        await session.EndAsync("test over");
    }

    private static async Task SendAsync(Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> handle, string json)
    {
        await handle(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), TestContext.Current.CancellationToken);
    }
}
