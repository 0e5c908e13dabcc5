using McpGuard.Policy;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// Starts a server the way a client would and lists its tools (every page), for the commands that inspect
/// a server rather than guard it: <c>tools</c>, <c>check</c>, <c>init</c>. The SDK client is fine here:
/// nothing is relayed, and the typed <see cref="Tool"/> is what these commands read.
/// </summary>
internal static class ServerProbe
{
    public static async Task<IReadOnlyList<ServerTool>> ListToolsAsync(IReadOnlyList<string> commandLine, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = commandLine[0],
            Arguments = [.. commandLine.Skip(1)],
            Name = Path.GetFileName(commandLine[0]),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        }, loggerFactory);
        var options = new McpClientOptions { ClientInfo = new Implementation { Name = "mcpguard", Version = "1" } };
        await using var client = await McpClient.CreateAsync(transport, options, loggerFactory, cancellationToken);
        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        return [.. tools.Select(t => new ServerTool(t.ProtocolTool))];
    }
}
