using System.Text;
using System.Text.Json;
using McpGuard.Policy.Decide;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// tools/call through the whole relay, against the node fake server (a real child) with in-memory client
/// streams. docs/relay.md#toolscall, #client--server-strict-checks and #ids.
/// </summary>
public sealed class StdioRelayToolCallTests
{
    private const string ListTools = """{"jsonrpc":"2.0","id":"list","method":"tools/list"}""";

    [Fact]
    public async Task RunAsync_DeniedCall_AnsweredByGuardAndNeverReachesChild()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"""
                + """{"name":"danger","arguments":{"marker":"DENIED-MARKER"}}}""");

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Denied """
                + """by policy: tools.danger denies this tool."}],"isError":true}}""",
            await relay.ReadTextAsync());
        await relay.SyncAsync();
        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("DENIED-MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_AllowedCallWithEscapedName_ChildReceivesIdenticalBytes()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        const string Call =
            """{"jsonrpc":"2.0","id":2,"method":"tools\/call","params":{"name":"ech\u006f","arguments":"""
            + """{"s":"caf\u00e9 \"q\"","n":1.50,"e":1E+2,"x-extra":[{}]}},"x-top":null}""";

        await relay.SendAsync(Call);

        var answer = await relay.ReadJsonAsync();
        Assert.Equal(Call, answer.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        await relay.SyncAsync();
        Assert.Contains(server.ReceivedLines(), line => line.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(Call)));
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("s\\u0065cret")]
    [InlineData("secr\\u0065t")]
    public async Task RunAsync_HiddenToolBeforeAnyList_UnknownToolAndNothingForwarded(string nameOnWire)
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + nameOnWire
                + "\",\"arguments\":{\"marker\":\"HIDDEN-MARKER\"}}}");

        Assert.Equal(
            """{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Unknown tool: secret"}}""",
            await relay.ReadTextAsync());
        Assert.Empty(await relay.SyncAsync());
        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("HIDDEN-MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_CallBeforeAnyList_GuardListsAllPagesItselfThenForwards()
    {
        using var server = FakeServer.Create([["a", "secret"], ["b"], ["echo"]]);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo"}}""");

        var answer = await relay.ReadJsonAsync();
        Assert.Equal(4, answer.GetProperty("id").GetInt32());
        Assert.True(answer.TryGetProperty("result", out _));
        Assert.Empty(await relay.SyncAsync());
        var lists = server.ReceivedText().Where(line => line.Contains("tools/list", StringComparison.Ordinal))
            .Select(Parse).ToList();
        Assert.Equal(3, lists.Count);
        Assert.All(
            lists,
            list => Assert.StartsWith("mcpguard-", list.GetProperty("id").GetString(), StringComparison.Ordinal));
        Assert.Equal(3, lists.Select(list => list.GetProperty("id").GetString()).Distinct().Count());
        Assert.False(lists[0].TryGetProperty("params", out _));
        Assert.Equal("p1", lists[1].GetProperty("params").GetProperty("cursor").GetString());
        Assert.Equal("p2", lists[2].GetProperty("params").GetProperty("cursor").GetString());
    }

    [Fact]
    public async Task RunAsync_NameNeverListed_UnknownToolBeforeAndAfterList()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"nope","arguments":{}}}""");
        Assert.Equal(
            """{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Unknown tool: nope"}}""",
            await relay.ReadTextAsync());
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"Echo"}}""");

        Assert.Equal(
            """{"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"Unknown tool: Echo"}}""",
            await relay.ReadTextAsync());
        await relay.SyncAsync();
        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("tools/call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ClientListsPages_HiddenToolRemovedOnEveryPageCursorKept()
    {
        using var server = FakeServer.Create([["a", "secret"], ["secret"], ["b", "secret", "c"]]);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        var first = await relay.ReadTextAsync();
        await relay.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"p1"}}""");
        var second = await relay.ReadTextAsync();
        await relay.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"p2"}}""");
        var third = await relay.ReadTextAsync();

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"tools":"""
                + """[{"name":"a","inputSchema":{"type":"object"}}],"nextCursor":"p1"}}""",
            first);
        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":{"tools":[],"nextCursor":"p2"}}""", second);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":3,"result":{"tools":[{"name":"b","inputSchema":"""
                + """{"type":"object"}},{"name":"c","inputSchema":{"type":"object"}}]}}""",
            third);
    }

    [Fact]
    public async Task RunAsync_ToolListChanged_GuardRelistsBeforeJudging()
    {
        using var server = FakeServer.Create([["echo", "old"]]);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(
            """{"jsonrpc":"2.0","method":"test/set-pages","params":"""
                + """{"pages":[[{"name":"echo"},{"name":"fresh"}]]}}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/list-changed"}""");
        Assert.Equal("""{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}""", await relay.ReadTextAsync());
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"new","method":"tools/call","params":{"name":"fresh"}}""");
        var fresh = await relay.ReadJsonAsync();
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"gone","method":"tools/call","params":{"name":"old"}}""");

        Assert.Equal("new", fresh.GetProperty("id").GetString());
        Assert.True(fresh.TryGetProperty("result", out _));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":"gone","error":{"code":-32602,"message":"Unknown tool: old"}}""",
            await relay.ReadTextAsync());
    }

    /// <summary>An error answer to tools/list lists nothing: it must not make every tool unknown.</summary>
    [Fact]
    public async Task RunAsync_ToolsListAnsweredWithError_ForwardedAndLaterCallStillJudgedOnARealList()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, failFirstToolsList: true);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync(ListTools);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":"list","error":{"code":-32002,"message":"not ready"}}""",
            await relay.ReadTextAsync());
        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}""");

        var answer = await relay.ReadJsonAsync();
        Assert.True(answer.TryGetProperty("result", out _), answer.ToString());
    }

    /// <summary>
    /// A 2026-07-28 call before any listing, whose own listing the server refuses (as a 2025-only server refuses any
    /// modern request): the call gets the server's error as the server wrote it, as it would without the guard, so
    /// the client can tell the server's era and fall back to initialize (docs/relay.md#toolscall).
    /// </summary>
    [Fact]
    public async Task RunAsync_ModernCallWhoseOwnListingTheServerRefuses_GetsTheServersError()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, failFirstToolsList: true);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","""
            + """ "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""");

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"not ready"}}""",
            await relay.ReadTextAsync());
    }

    /// <summary>
    /// A call answered because its own listing failed was never decided, and still has its one audit record
    /// (docs/audit.md#decision): a deny under rule "listing", with the tool and the reason.
    /// </summary>
    [Theory]
    [InlineData(true, "the server refused the guard's tools/list: ")]
    [InlineData(false, "McpGuard could not decide this call: ")]
    public async Task RunAsync_CallWhoseOwnListingFails_IsRecordedAsDeniedUnderListing(bool modern, string reason)
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, failFirstToolsList: true);
        var audit = new RecordingAuditLog();
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine, audit: audit);
        var meta = modern ? """, "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}""" : "";

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","""
            + """ "arguments":{"a":1}""" + meta + "}}");
        var answer = await relay.ReadJsonAsync();

        Assert.True(answer.TryGetProperty("error", out _), answer.ToString());
        var record = Assert.Single(audit.Decisions);
        Assert.Equal(("echo", CallVerdict.Deny, "listing"), (record.Tool, record.Decision, record.RuleId));
        Assert.StartsWith(reason, record.Reason, StringComparison.Ordinal);
        Assert.Equal("""{"a":1}""", Assert.Single(audit.ArgumentsWritten).Arguments);
    }

    [Fact]
    public async Task RunAsync_IdsOfEveryKind_EchoedExactly_StringAndNumberSevenInFlightTogether()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, holdToolsList: true);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        // Both sevens are in flight at once: the server holds tools/list answers until test/release.
        await relay.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"7","method":"tools/list"}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/release"}""");
        var answers = new[] { await relay.ReadJsonAsync(), await relay.ReadJsonAsync() };
        await relay.SendAsync("""{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}""");
        var big = await relay.ReadTextAsync();
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"danger"}}""");
        var denied = await relay.ReadTextAsync();
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"\u0037","method":"tools/call","params":{"name":"nope"}}""");
        var unknown = await relay.ReadTextAsync();

        Assert.Equal(
            [JsonValueKind.String, JsonValueKind.Number], answers.Select(a => a.GetProperty("id").ValueKind).Order());
        Assert.All(answers, a => Assert.Equal("7", a.GetProperty("id").ToString()));
        Assert.Equal("""{"jsonrpc":"2.0","id":9007199254740993,"result":{}}""", big);
        Assert.StartsWith(
            """{"jsonrpc":"2.0","id":9007199254740993,"result":{"content":""", denied, StringComparison.Ordinal);
        Assert.StartsWith("""{"jsonrpc":"2.0","id":"\u0037","error":""", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DuplicateInFlightId_RefusedAndFirstAnsweredOnce()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, holdToolsList: true);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":"d","method":"tools/list"}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"d","method":"ping"}""");
        Assert.Equal(
            """{"jsonrpc":"2.0","id":"d","error":{"code":-32600,"message":"Invalid """
                + """request: a request with this id is already in flight."}}""",
            await relay.ReadTextAsync());
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/release"}""");
        var first = await relay.ReadJsonAsync();
        var rest = await relay.SyncAsync();

        Assert.Equal("d", first.GetProperty("id").GetString());
        Assert.True(first.GetProperty("result").TryGetProperty("tools", out _));
        Assert.Empty(rest);
        Assert.Single(server.ReceivedText(), line => line.Contains("\"id\":\"d\"", StringComparison.Ordinal));
    }

    /// <summary>
    /// docs/relay.md#client--server-strict-checks: a tools/call without an id (a notification) would reach the server
    /// unjudged.
    /// </summary>
    [Theory]
    [InlineData(
        """{"jsonrpc":"2.0","method":"tools/call","params":"""
            + """{"name":"danger","arguments":{"marker":"NOTIFY-MARKER"}}}""")]
    [InlineData(
        """{"jsonrpc":"2.0","method":"tools\/call","params":"""
            + """{"name":"secret","arguments":{"marker":"NOTIFY-MARKER"}}}""")]
    public async Task RunAsync_ToolsCallWithoutId_RefusedAndNeverForwarded(string line)
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync(line);

        var refused = await relay.ReadJsonAsync();
        Assert.Equal(-32600, refused.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("id").ValueKind);
        Assert.Empty(await relay.SyncAsync());
        Assert.DoesNotContain(server.ReceivedText(), l => l.Contains("NOTIFY-MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_InvalidParams_Minus32602AndNeverForwarded()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":["echo"]}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":1}}""");
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":"x"}}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/call"}""");

        for (var id = 1; id <= 4; id++)
        {
            var answer = await relay.ReadJsonAsync();
            Assert.Equal(id, answer.GetProperty("id").GetInt32());
            Assert.Equal(-32602, answer.GetProperty("error").GetProperty("code").GetInt32());
        }

        Assert.Empty(await relay.SyncAsync());
        Assert.DoesNotContain(server.ReceivedText(), l => l.Contains("tools/call", StringComparison.Ordinal));
    }

    /// <summary>
    /// Two calls wait for the same guard-owned tools/list; withdrawing one must not strand the other.
    /// </summary>
    [Fact]
    public async Task RunAsync_HeldCallWithdrawn_OtherHeldCallStillDecided()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, holdToolsList: true, announceHeldLists: true);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":"first","method":"tools/call","params":{"name":"echo"}}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"second","method":"tools/call","params":{"name":"echo"}}""");
        Assert.Equal("""{"jsonrpc":"2.0","method":"test/list-held"}""", await relay.ReadTextAsync());
        await relay.SendAsync(
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":"""
                + """{"requestId":"first","reason":"user"}}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/release"}""");

        var answer = await relay.ReadJsonAsync();
        Assert.Equal("second", answer.GetProperty("id").GetString());
        Assert.True(answer.TryGetProperty("result", out _), answer.ToString());
        Assert.Empty(await relay.SyncAsync());
    }

    private static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
