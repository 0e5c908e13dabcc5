using System.Net;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// A request the shared 2026-07-28 child sends its client (here roots/list, during a call) has no client to go to:
/// that era takes none from a server, and the shared child's streams belong to many clients (docs/serve.md). The guard
/// answers it itself with Method not found and logs it, so the server is never left waiting; it used to be dropped,
/// and the call that waited for it never ended.
/// </summary>
public sealed class ServeSharedChildServerRequestTests
{
    private const string Modern = ModernRequest.Meta;

    private const string Server =
        """{"era":"modernOnly","pages":[[{"name":"asks_client","inputSchema":{"type":"object"}}]]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServersRequest_AnsweredMethodNotFoundByTheGuard_AndLogged()
    {
        var home = DeskProcess.NewHome();
        var record = Path.Combine(home, "server.log");
        var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n", ["dotnet", RepoPaths.RawServerDll, record, Server], home: home);
        await using (guard)
        {
            // Only a safety net: before the fix the call never ended.
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            const string Call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"asks_client\",\"arguments\":{}," + Modern + "}}";
            using var request = ModernRequest.Post(guard.Url, Call, "tools/call", "asks_client");

            using var answer = await http.SendAsync(request, Ct);
            var body = await answer.Content.ReadAsStringAsync(Ct);

            // The call's result is what the server got for its roots/list: the guard's error.
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("\"id\":7", body, StringComparison.Ordinal);
            Assert.Contains("-32601", body, StringComparison.Ordinal);
            Assert.Contains("takes no requests from a server", body, StringComparison.Ordinal);
            var received = await File.ReadAllLinesAsync(record, Ct);
            Assert.Single(
                received,
                line => line.Contains("\"ask-1\"", StringComparison.Ordinal)
                    && line.Contains("\"error\"", StringComparison.Ordinal));
            await guard.TerminateAsync();
        }

        Assert.Contains(
            guard.Stderr,
            line => line.Contains("Answered the server's roots/list request with Method not found",
                StringComparison.Ordinal));
    }
}
