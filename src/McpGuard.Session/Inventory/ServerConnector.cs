using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace McpGuard.Inventory;

/// <summary>
/// How the inspection commands reach a server: by default they start its command line, as a client would.
/// Tests hand in a transport to a server in memory instead, so hostile answers need no child process.
/// </summary>
/// <param name="connect">The command line, the logging, and a token cancelled when the listing is over (its last page
/// in, or given up: a signal, its timeout): from then on the server is not waited for. The token is watched only
/// while the connection is open (<see cref="AbandonableStdioTransport"/>).</param>
internal sealed class ServerConnector(
    Func<IReadOnlyList<string>, ILoggerFactory, CancellationToken, IClientTransport> connect)
{
    public ServerConnector(Func<IReadOnlyList<string>, ILoggerFactory, IClientTransport> connect)
        : this((commandLine, loggerFactory, _) => connect(commandLine, loggerFactory))
    {
    }

    /// <summary>
    /// A connection closed before the listing is over (the server failed it) gives the server 5 s to exit after its
    /// stdin closes.
    /// </summary>
    public static ServerConnector Stdio { get; } = Starting(TimeSpan.FromSeconds(5));

    public IClientTransport Connect(
        IReadOnlyList<string> commandLine, ILoggerFactory loggerFactory, CancellationToken abandoned) =>
        connect(commandLine, loggerFactory, abandoned);

    /// <summary>
    /// Starts the command line; <paramref name="shutdownTimeout"/> is how long closing the connection waits for the
    /// server to exit before it kills the server's process tree. A listing that is over (listed, or given up with
    /// Ctrl-C) does not wait: the SDK
    /// reads the timeout from its options when it closes the connection, so zero there makes it kill the tree at
    /// once, and the command exits well under a second after the signal instead of after the timeout.
    /// </summary>
    public static ServerConnector Starting(TimeSpan shutdownTimeout) => new((commandLine, loggerFactory, abandoned) =>
    {
        var options = new StdioClientTransportOptions
        {
            Command = commandLine[0],
            Arguments = [.. commandLine.Skip(1)],
            Name = Path.GetFileName(commandLine[0]),
            ShutdownTimeout = shutdownTimeout,
        };
        return new AbandonableStdioTransport(options, loggerFactory, abandoned);
    });
}
