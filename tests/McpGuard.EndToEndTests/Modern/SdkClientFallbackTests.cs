using System.Text.Json;
using McpGuard.EndToEndTests.Bybit;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Modern;

/// <summary>
/// The C# SDK's McpClient in auto mode in front of a 2025-only server slow to start that dies of any message before
/// initialize (docs/relay.md#a-2025-only-server-and-a-modern-client). Its server/discover probe times out before the
/// server has read it (the server reads nothing until the client sends initialize), so the client sends
/// notifications/cancelled for the probe and then initialize while the first server is still alive. The guard holds
/// both until that server's fate is known; it dies of the probe, and the new server gets initialize first.
/// </summary>
public sealed class SdkClientFallbackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_CSharpClientProbeTimesOutBeforeTheServerReadsIt_FallsBackToA2025Session()
    {
        var readAfter = TempFiles.NewPath("read-after");
        var home = Directory.CreateTempSubdirectory("mcpguard-sdk-fallback-home-").FullName;
        var sent = new List<string>();
        try
        {
            await using var guard = await GuardedServer.StartAsync(
                BybitServers.SamplePolicy(),
                BybitServers.Command(
                    BybitServers.ExitsBeforeInitialize,
                    $$"""
                    "diesOfNotifications":true,"readAfter":{{JsonSerializer.Serialize(readAfter)}}
                    """),
                // A deadline of the test's own: the probe must time out (the server reads nothing before initialize).
                new McpClientOptions { DiscoverProbeTimeout = TimeSpan.FromSeconds(2) },
                environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home, ["HOME"] = home },
                wrapTransport: inner => new ResumingTransport(inner, sent, readAfter));

            var tools = await guard.Client.ListToolsAsync(cancellationToken: Ct);
            var ticker = await guard.Client.CallToolAsync(
                "get_tickers",
                new Dictionary<string, object?> { ["category"] = "spot", ["symbol"] = "BTCUSDT" },
                cancellationToken: Ct);

            string[] opening;
            lock (sent)
            {
                opening = [.. sent.Take(3)];
            }

            Assert.Equal(["server/discover", "notifications/cancelled", "initialize"], opening);
            Assert.StartsWith("2025-", guard.Client.NegotiatedProtocolVersion, StringComparison.Ordinal);
            EveryEraTests.AssertListedUnchanged(tools);
            Assert.NotEqual(true, ticker.IsError);
            Assert.Contains(
                "get_tickers", Assert.IsType<TextContentBlock>(Assert.Single(ticker.Content)).Text,
                StringComparison.Ordinal);
            Assert.Single(guard.Stderr, line => line.Contains("the session is dead", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(readAfter);
        }
    }

    /// <summary>
    /// The client's transport, noting the method of each message the client sends; once it has sent initialize, it
    /// creates the file the first server waits for before it reads anything.
    /// </summary>
    private sealed class ResumingTransport(IClientTransport inner, List<string> sent, string readAfter)
        : IClientTransport
    {
        public string Name => inner.Name;

        public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default) =>
            new Session(await inner.ConnectAsync(cancellationToken), sent, readAfter);

        private sealed class Session(ITransport inner, List<string> sent, string readAfter) : ITransport
        {
            public string? SessionId => inner.SessionId;

            public System.Threading.Channels.ChannelReader<JsonRpcMessage> MessageReader => inner.MessageReader;

            public async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
            {
                var method = message switch
                {
                    JsonRpcRequest request => request.Method,
                    JsonRpcNotification notification => notification.Method,
                    _ => null,
                };
                if (method is not null)
                {
                    lock (sent)
                    {
                        sent.Add(method);
                    }
                }

                await inner.SendMessageAsync(message, cancellationToken);
                if (method == "initialize")
                {
                    await File.WriteAllTextAsync(readAfter, "", CancellationToken.None);
                }
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
