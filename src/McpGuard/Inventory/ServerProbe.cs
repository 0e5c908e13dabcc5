using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// Connects to a server the way a client would and lists its tools (every page), for the commands that inspect
/// a server rather than guard it: <c>tools</c>, <c>check</c>, <c>init</c>. The SDK client is fine here:
/// nothing is relayed, and the typed <see cref="Tool"/> is what these commands read. A server that answers
/// with something the SDK cannot read makes it throw; the caller turns that into one line for a person.
/// </summary>
internal static class ServerProbe
{
    public static async Task<ServerInventory> ListToolsAsync(IClientTransport transport, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new McpClientOptions { ClientInfo = new Implementation { Name = "mcpguard", Version = "1" } };
        await using var client = await McpClient.CreateAsync(transport, options, loggerFactory, cancellationToken);
        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        return new ServerInventory(client.ServerInfo?.Name, [.. tools.Select(t => new ServerTool(t.ProtocolTool))]);
    }
}
