using System.Threading.Channels;
using McpGuard.Cli;
using McpGuard.Inventory;
using McpGuard.Tests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// A server that exits before it reads: .NET's pipe code can hold the guard's first write in a spin that never ends
/// while the SDK's reader has already said the server exited, with its exit code and stderr. The command says that,
/// at once, not "no answer within 60 s" at its deadline (14 of 300 <c>mcpguard tools</c> runs at load 40 did).
/// </summary>
public sealed class ServerExitRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteHeldWhileTheReaderSaysTheServerExited_TheLineSaysWhy_WithoutWaiting()
    {
        using var release = new ManualResetEventSlim();
        var details = new StdioClientCompletionDetails
        {
            ExitCode = 3, StandardErrorTail = ["loading config", "BYBIT_API_KEY is not set"],
        };
        var connection = new ExitedServer(release, details);
        using var error = new StringWriter();
        try
        {
            var listing = await Task.Run(
                    () => ServerInspection.ListAsync(
                        ["server"], new ServerConnector((_, _) => connection), verbose: false, error, Ct),
                    Ct)
                .WaitAsync(TestConstants.DefaultTimeout, Ct);

            Assert.Equal(1, listing.ExitCode);
            Assert.Equal(
                "mcpguard: cannot list the tools of 'server': it exited with code 3 before it answered; its stderr "
                    + "ends: loading config | BYBIT_API_KEY is not set (--verbose for details)",
                error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        }
        finally
        {
            release.Set(); // the held thread goes back to the pool once the test is over
        }
    }

    [Fact]
    public void ExitCodeTheSdkCouldNotRead_StillSaysTheServerEndedAndItsStderr()
    {
        var closed = new ClientTransportClosedException(new StdioClientCompletionDetails
        {
            Exception = new IOException("MCP server process exited unexpectedly"),
            StandardErrorTail = ["BYBIT_API_KEY is not set"],
        });

        Assert.Equal(
            "it ended before it answered (its exit code could not be read); its stderr ends: BYBIT_API_KEY is not set",
            ServerFailureText.Describe(closed, ["server"]));
    }

    /// <summary>
    /// A server that has exited: its reader completes with the SDK's exception once the first write has begun, and
    /// that write holds its thread, deaf to cancellation, until released.
    /// </summary>
    private sealed class ExitedServer(ManualResetEventSlim release, StdioClientCompletionDetails details)
        : IClientTransport, ITransport
    {
        private readonly Channel<JsonRpcMessage> _messages = Channel.CreateUnbounded<JsonRpcMessage>();

        public string Name => "server";

        public string? SessionId => null;

        public ChannelReader<JsonRpcMessage> MessageReader => _messages.Reader;

        public Task<ITransport> ConnectAsync(CancellationToken cancellationToken) => Task.FromResult<ITransport>(this);

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
        {
            _messages.Writer.TryComplete(new ClientTransportClosedException(details));
            release.Wait(CancellationToken.None);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
