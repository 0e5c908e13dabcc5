using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Modern;

/// <summary>
/// A 2026-07-28 client in front of a 2025-only server that dies of any request before initialize (the Python SDK
/// 1.9.3, the real Bybit server's lock). The guard restarts the server once and answers the modern requests the dead
/// one was sent with "Method not found"; until the client's initialize reaches the new server, it answers every
/// further modern request (the client's, and its own tools/list for a call) the same way, so the new server sees
/// initialize first and the client's fallback works (docs/relay.md#a-2025-only-server-and-a-modern-client).
/// </summary>
public sealed class FallbackWindowTests
{
    private const string MethodNotFound = """{"code":-32601,"message":"Method not found"}""";

    /// <summary>What the raw server says on stderr when a request before initialize kills its session.</summary>
    private const string SessionDied = "before initialize; the session is dead";

    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    /// <summary>What the C# SDK's client sends when its server/discover probe (id 1) times out.</summary>
    private const string Cancel = """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""";

    private const string Ping = """{"jsonrpc":"2.0","id":5,"method":"ping"}""";

    private static string Discover(int id) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"server/discover","params":{{{{ModernRequest.Meta}}}}}""";

    private static string Call(int id) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":"get_server_time","arguments":{},"""
            + ModernRequest.Meta + "}}";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_DiscoverAndTwoCallsPipelined_EachMethodNotFoundThenInitializeReachesTheNewServer(
        bool discoverFirst)
    {
        await using var guard = Start();
        string[] burst = discoverFirst ? [Discover(1), Call(2), Call(3)] : [Call(2), Call(3), Discover(1)];

        await guard.SendAsync(string.Join("\n", burst));
        var answers = new Dictionary<string, string>();
        for (var i = 0; i < 3; i++)
        {
            using var answer = JsonDocument.Parse(await guard.ReadLineAsync());
            answers.Add(
                answer.RootElement.GetProperty("id").GetRawText(),
                answer.RootElement.GetProperty("error").GetRawText());
        }

        await AssertFallbackWorksAsync(guard);
        Assert.Equal(["1", "2", "3"], answers.Keys.Order());
        Assert.All(answers.Values, error => Assert.Equal(MethodNotFound, error));
    }

    /// <summary>
    /// A client that does not fall back at once: a second modern call, after the first was refused, is answered by
    /// the guard too (its listing would end the new server's session), and initialize still works afterwards.
    /// </summary>
    [Fact]
    public async Task Run_ModernCallsOneAfterAnother_EachMethodNotFoundThenInitializeReachesTheNewServer()
    {
        await using var guard = Start();

        await guard.SendAsync(Call(1));
        var first = await guard.ResponseAsync("1");
        await guard.SendAsync(Call(2));
        var second = await guard.ResponseAsync("2");
        await guard.SendAsync(Discover(3));
        var discovered = await guard.ResponseAsync("3");

        await AssertFallbackWorksAsync(guard);
        Assert.Equal(MethodNotFound, first.GetProperty("error").GetRawText());
        Assert.Equal(MethodNotFound, second.GetProperty("error").GetRawText());
        Assert.Equal(MethodNotFound, discovered.GetProperty("error").GetRawText());
    }

    /// <summary>
    /// A client that gives up on its probe (the C# SDK cancels it after 5 s) or pings, then sends initialize, all
    /// before the server has read anything: the guard holds the 2025 messages until the server dies of the probe,
    /// then the new server gets initialize first; the cancel is dropped, the ping answered by the guard.
    /// </summary>
    [Theory]
    [InlineData(Cancel)]
    [InlineData(Ping)]
    public async Task Run_ProbeThen2025MessageAndInitializeBeforeTheServerReads_NewServerGetsInitializeFirst(
        string message)
    {
        var readAfter = TempFiles.NewPath("read-after");
        try
        {
            await using var guard = Start(readAfter);

            await guard.SendAsync(Discover(1) + "\n" + message + "\n" + Initialize);
            await File.WriteAllTextAsync(readAfter, "", TestContext.Current.CancellationToken);
            var answers = await AssertFallbackWorksAsync(guard, initializeSent: true);

            if (message == Ping)
            {
                Assert.Equal("{}", answers["5"].GetProperty("result").GetRawText());
                Assert.Equal(MethodNotFound, answers["1"].GetProperty("error").GetRawText());
            }
        }
        finally
        {
            File.Delete(readAfter);
        }
    }

    /// <summary>
    /// The same messages after the guard answered the probe in the dead server's place: they would reach the new
    /// server before initialize, which it dies of; the cancel is dropped, the ping answered by the guard.
    /// </summary>
    [Theory]
    [InlineData(Cancel)]
    [InlineData(Ping)]
    public async Task Run_ProbeAnsweredThen2025MessageThenInitialize_NewServerGetsInitializeFirst(string message)
    {
        await using var guard = Start();

        await guard.SendAsync(Discover(1));
        var discovered = await guard.ResponseAsync("1");
        await guard.SendAsync(message);
        var pinged = message == Ping ? await guard.ResponseAsync("5") : default;

        await AssertFallbackWorksAsync(guard);
        Assert.Equal(MethodNotFound, discovered.GetProperty("error").GetRawText());
        if (message == Ping)
        {
            Assert.Equal("{}", pinged.GetProperty("result").GetRawText());
        }
    }

    /// <summary>
    /// The raw server in the Python SDK 1.9.3's mode, and stricter: a notification before initialize kills it too.
    /// With <paramref name="readAfter"/>, it reads nothing until that file exists.
    /// </summary>
    private static RawGuard Start(string? readAfter = null)
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-fallback-home-").FullName;
        var more = "\"diesOfNotifications\":true"
            + (readAfter is null ? "" : ",\"readAfter\":" + JsonSerializer.Serialize(readAfter));
        return RawGuard.Start(
            BybitServers.SamplePolicy(),
            BybitServers.Command(BybitServers.ExitsBeforeInitialize, more),
            environment: new Dictionary<string, string> { ["MCPGUARD_HOME"] = home, ["HOME"] = home });
    }

    /// <summary>
    /// The client falls back to a 2025 session on the same connection: the new server answers initialize (sent here
    /// unless <paramref name="initializeSent"/>) and a call, and only the first server's session died of a message
    /// before initialize. Returns the answers read up to initialize's, by id.
    /// </summary>
    private static async Task<Dictionary<string, JsonElement>> AssertFallbackWorksAsync(
        RawGuard guard, bool initializeSent = false)
    {
        if (!initializeSent)
        {
            await guard.SendAsync(Initialize);
        }

        var answers = new Dictionary<string, JsonElement>();
        while (!answers.ContainsKey("0"))
        {
            using var answer = JsonDocument.Parse(await guard.ReadLineAsync());
            var message = answer.RootElement;
            if (message.TryGetProperty("id", out var id) && !message.TryGetProperty("method", out _))
            {
                answers[id.GetRawText()] = message.Clone();
            }
        }

        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"get_server_time","arguments":{}}}""");
        var called = await guard.ResponseAsync("9");
        guard.CloseStdin();

        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.True(answers["0"].TryGetProperty("result", out _), answers["0"].GetRawText());
        Assert.True(called.TryGetProperty("result", out _), called.GetRawText());
        Assert.Single(guard.Stderr.Split('\n'), line => line.Contains(SessionDied, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", guard.Stderr, StringComparison.Ordinal);
        return answers;
    }
}
