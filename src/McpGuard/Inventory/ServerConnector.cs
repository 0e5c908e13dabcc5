using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace McpGuard.Inventory;

/// <summary>
/// How the inspection commands reach a server: by default they start its command line, as a client would.
/// Tests hand in a transport to a server in memory instead, so hostile answers need no child process.
/// </summary>
internal sealed class ServerConnector(Func<IReadOnlyList<string>, ILoggerFactory, IClientTransport> connect)
{
    public static ServerConnector Stdio { get; } = new((commandLine, loggerFactory) => new StdioClientTransport(
        new StdioClientTransportOptions
        {
            Command = commandLine[0],
            Arguments = [.. commandLine.Skip(1)],
            Name = Path.GetFileName(commandLine[0]),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        },
        loggerFactory));

    public IClientTransport Connect(IReadOnlyList<string> commandLine, ILoggerFactory loggerFactory) =>
        connect(commandLine, loggerFactory);
}
