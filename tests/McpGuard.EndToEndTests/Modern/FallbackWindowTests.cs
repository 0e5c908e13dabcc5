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

    private static RawGuard Start()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-fallback-home-").FullName;
        return RawGuard.Start(
            BybitServers.SamplePolicy(),
            BybitServers.Command(BybitServers.ExitsBeforeInitialize),
            environment: new Dictionary<string, string> { ["MCPGUARD_HOME"] = home, ["HOME"] = home });
    }

    /// <summary>
    /// The client falls back to a 2025 session on the same connection: the new server answers initialize and a
    /// call, and only the first server's session died of a request before initialize.
    /// </summary>
    private static async Task AssertFallbackWorksAsync(RawGuard guard)
    {
        await guard.SendAsync(Initialize);
        var initialized = await guard.ResponseAsync("0");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"get_server_time","arguments":{}}}""");
        var called = await guard.ResponseAsync("9");
        guard.CloseStdin();

        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.True(initialized.TryGetProperty("result", out _), initialized.GetRawText());
        Assert.True(called.TryGetProperty("result", out _), called.GetRawText());
        Assert.Single(guard.Stderr.Split('\n'), line => line.Contains(SessionDied, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", guard.Stderr, StringComparison.Ordinal);
    }
}
