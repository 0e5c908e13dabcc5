using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Modern;

/// <summary>
/// 2026-07-28 lines written by hand (what a client library would never send: forged or reused states, changed
/// arguments) against the built guard in front of the TypeScript SDK v2 server. The server's stdin is recorded
/// (<c>tee</c>) so a test can prove what reached it.
/// </summary>
public sealed class ModernWireTests : IDisposable
{
    private const string Meta =
        """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
        + """{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":{"elicitation":{"form":{}}}}""";
    private const string Approve =
        ""","inputResponses":{"mcpguard/approval":{"action":"accept","content":{"approve":true}}}""";

    private readonly string _received = Path.Combine(Path.GetTempPath(), $"mcpguard-v2-stdin-{Guid.NewGuid():n}.jsonl");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => File.Delete(_received);

    [Fact]
    public async Task Approval_RetryWithForgedState_DeniedAndNothingReachesTheServer()
    {
        await using var guard = Start(V2PeerTests.Policy);
        var state = await AskAsync(guard, "a1", "0.6");
        var forged = state[..^2] + (state[^2] == 'A' ? "BA" : "AA");

        await guard.SendAsync(
            Call(
                "a2", "place_order", """{"symbol":"BTCUSDT","qty":"0.6"}""",
                Approve + $$""","requestState":"{{forged}}" """));

        var result = Result(await guard.ReadLineContainingAsync("\"a2\""));
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Contains("not issued by this guard", Text(result), StringComparison.Ordinal);
        await SyncAsync(guard);
        Assert.DoesNotContain("place_order", await ReceivedAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_RetryWithChangedArguments_AskedAgainThenForwardedWithoutGuardKeys()
    {
        await using var guard = Start(V2PeerTests.Policy);
        var state = await AskAsync(guard, "a1", "0.6");

        await guard.SendAsync(
            Call(
                "a2", "place_order", """{"symbol":"BTCUSDT","qty":"0.7"}""",
                Approve + $$""","requestState":"{{state}}" """));
        var again = Result(await guard.ReadLineContainingAsync("\"a2\""));
        Assert.Equal("input_required", again.GetProperty("resultType").GetString());
        var second = again.GetProperty("requestState").GetString()!;
        Assert.NotEqual(state, second);

        await guard.SendAsync(
            Call(
                "a3", "place_order", """{"symbol":"BTCUSDT","qty":"0.7"}""",
                Approve + $$""","requestState":"{{second}}" """));
        Assert.Equal("placed 0.7 BTCUSDT", Text(Result(await guard.ReadLineContainingAsync("\"a3\""))));
        var received = await ReceivedAsync();
        Assert.DoesNotContain("mcpguard/approval", received, StringComparison.Ordinal);
        Assert.DoesNotContain("mcpguard.v1.", received, StringComparison.Ordinal);
        var forwarded = received.Split('\n').Single(line => line.Contains("place_order", StringComparison.Ordinal));
        Assert.DoesNotContain("requestState", forwarded, StringComparison.Ordinal);
        Assert.DoesNotContain("inputResponses", forwarded, StringComparison.Ordinal);
        Assert.Contains("\"arguments\":{\"symbol\":\"BTCUSDT\",\"qty\":\"0.7\"}", forwarded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_StateUsedTwice_SecondRetryDenied()
    {
        await using var guard = Start(V2PeerTests.Policy);
        var state = await AskAsync(guard, "a1", "0.6");
        var retry = Approve + $$""","requestState":"{{state}}" """;

        await guard.SendAsync(Call("a2", "place_order", """{"symbol":"BTCUSDT","qty":"0.6"}""", retry));
        Assert.Equal("placed 0.6 BTCUSDT", Text(Result(await guard.ReadLineContainingAsync("\"a2\""))));
        await guard.SendAsync(Call("a3", "place_order", """{"symbol":"BTCUSDT","qty":"0.6"}""", retry));

        Assert.Contains(
            "already answered", Text(Result(await guard.ReadLineContainingAsync("\"a3\""))), StringComparison.Ordinal);
        Assert.Single(
            (await ReceivedAsync()).Split('\n'), line => line.Contains("place_order", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approval_RetryAfterDeadline_DeniedAsExpired()
    {
        await using var guard = Start(
            V2PeerTests.Policy.Replace("timeout: 60s", "timeout: 1ms", StringComparison.Ordinal));
        var state = await AskAsync(guard, "a1", "0.6");

        // The server's own timer proves that more than the 1 ms deadline has passed.
        await guard.SendAsync(Call("w1", "wait_ms", """{"ms":50}"""));
        await guard.ReadLineContainingAsync("\"w1\"");
        await guard.SendAsync(
            Call(
                "a2", "place_order", """{"symbol":"BTCUSDT","qty":"0.6"}""",
                Approve + $$""","requestState":"{{state}}" """));

        Assert.Contains(
            "expired", Text(Result(await guard.ReadLineContainingAsync("\"a2\""))), StringComparison.Ordinal);
        Assert.DoesNotContain("place_order", await ReceivedAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A reload that changes what is hidden sends nothing to a modern client without a listen stream.
    /// </summary>
    [Fact]
    public async Task Reload_NoListenStreamOpen_NothingSentButTheNewPolicyHolds()
    {
        await using var guard = Start(V2PeerTests.Policy);
        await guard.SendAsync(Request("l1", "tools/list", "{"));
        await guard.ReadLineContainingAsync("\"l1\"");

        await File.WriteAllTextAsync(guard.PolicyPath, V2PeerTests.Policy + "\nhide: [echo]\n", Ct);
        var seen = new List<string>();
        for (var i = 0; !guard.Stderr.Contains("Reloaded", StringComparison.Ordinal); i++)
        {
            seen.AddRange(await SyncAsync(guard, $"p{i}"));
        }

        seen.AddRange(await SyncAsync(guard, "last"));
        Assert.DoesNotContain(seen, line => line.Contains("list_changed", StringComparison.Ordinal));
        await guard.SendAsync(Call("e1", "echo", """{"text":"x"}"""));
        Assert.Contains("Unknown tool: echo", await guard.ReadLineContainingAsync("\"e1\""), StringComparison.Ordinal);
    }

    /// <summary>A listen stream opened by hand: the guard's notification carries exactly that stream's id.</summary>
    [Fact]
    public async Task Reload_ListenStreamOpen_NotificationTaggedWithItsId()
    {
        await using var guard = Start(V2PeerTests.Policy);
        await guard.SendAsync(
            Request("sub-7", "subscriptions/listen", """{"notifications":{"toolsListChanged":true},"""));
        await guard.ReadLineContainingAsync("subscriptions/acknowledged");

        await File.WriteAllTextAsync(guard.PolicyPath, V2PeerTests.Policy + "\nhide: [echo]\n", Ct);

        var changed = await guard.ReadLineContainingAsync("list_changed");
        Assert.Equal(
            """{"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":"""
                + """{"_meta":{"io.modelcontextprotocol/subscriptionId":"sub-7"}}}""",
            changed);
    }

    /// <summary>A cancelled request is never answered: not by a late server answer, not at shutdown.</summary>
    [Fact]
    public async Task Cancel_ThenShutdown_NeverAnswered()
    {
        await using var guard = Start(V2PeerTests.Policy);
        await guard.SendAsync(Call("c1", "wait_ms", """{"ms":300}"""));
        await guard.SendAsync(
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":"""
                + """{"requestId":"c1","reason":"user"}}""");
        await SyncAsync(guard);

        guard.CloseStdin();
        await guard.WaitForExitAsync();

        Assert.DoesNotContain(guard.UnreadLines(), line => line.Contains("\"c1\"", StringComparison.Ordinal));
    }

    private RawGuard Start(string policy) =>
        RawGuard.Start(policy, ["sh", "-c", $"tee '{_received}' | exec node '{RepoPaths.V2Server}'"]);

    /// <summary>Calls place_order, which the policy asks about; returns the guard's requestState.</summary>
    private static async Task<string> AskAsync(RawGuard guard, string id, string qty)
    {
        await guard.SendAsync(Call(id, "place_order", $$"""{"symbol":"BTCUSDT","qty":"{{qty}}"}"""));
        var result = Result(await guard.ReadLineContainingAsync($"\"{id}\""));
        Assert.Equal("input_required", result.GetProperty("resultType").GetString());
        Assert.Equal(
            "elicitation/create",
            result.GetProperty("inputRequests").GetProperty("mcpguard/approval").GetProperty("method").GetString());
        return result.GetProperty("requestState").GetString()!;
    }

    private static string Call(string id, string name, string arguments, string extra = "") =>
        $$$"""{"jsonrpc":"2.0","id":"{{{id}}}","method":"tools/call","params":"""
            + $$$"""{"name":"{{{name}}}","arguments":{{{arguments}}}{{{extra.TrimEnd()}}},"_meta":{{{Meta}}}}}""";

    /// <param name="paramsStart">The params object up to where <c>_meta</c> goes: "{" or "{...,".</param>
    private static string Request(string id, string method, string paramsStart) =>
        $$$"""{"jsonrpc":"2.0","id":"{{{id}}}","method":"{{{method}}}","params":"""
            + $$$"""{{{paramsStart}}}"_meta":{{{Meta}}}}}""";

    /// <summary>A ping through guard and server: every earlier line has been handled when it is answered.</summary>
    private static async Task<IReadOnlyList<string>> SyncAsync(RawGuard guard, string id = "sync")
    {
        await guard.SendAsync(Request(id, "ping", "{"));
        var before = new List<string>();
        while (true)
        {
            var line = await guard.ReadLineAsync();
            if (line.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal))
            {
                return before;
            }

            before.Add(line);
        }
    }

    private async Task<string> ReceivedAsync() => await File.ReadAllTextAsync(_received, Ct);

    private static JsonElement Result(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("result").Clone();
    }

    private static string Text(JsonElement result) => result.GetProperty("content")[0].GetProperty("text").GetString()!;
}
