using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Session;

/// <summary>
/// A server that dies before the guard read the client's first message (docs/relay.md#lifecycle): the client, which
/// wrote initialize as soon as it spawned the guard, is answered with the error naming the exit. Before, the guard
/// ended at once and the initialize was never read: no answer, only an EOF.
/// </summary>
public sealed class StdioRelayServerDiedFirstTests
{
    private const string Policy = "version: 1\ndefault: allow\n";

    [Fact]
    public async Task RunAsync_ServerExitedBeforeTheFirstMessageWasRead_InitializeAnsweredWithTheExit()
    {
        using var logs = new ExitLogs();
        await using var relay = RelayHarness.Start(Policy, ["/bin/sh", "-c", "exit 3"], loggerFactory: logs);
        await logs.Exited.Task.WaitAsync(RelayHarness.Timeout());

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","""
                + """ "capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""");

        var answer = await relay.ReadResponseAsync("0");
        Assert.Equal(-32603, answer.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(
            "The MCP server exited (code 3) before answering.",
            answer.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(3, await relay.Run.WaitAsync(RelayHarness.Timeout()));
    }

    /// <summary>Completes <see cref="Exited"/> when the relay logs that the server exited.</summary>
    private sealed class ExitLogs : ILoggerFactory, ILogger
    {
        public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("exited with code", StringComparison.Ordinal))
            {
                Exited.TrySetResult();
            }
        }

        public void Dispose()
        {
        }
    }
}
