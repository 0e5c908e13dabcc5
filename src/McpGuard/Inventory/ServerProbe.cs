using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// Starts a server the way a client would and lists its tools (every page), for the commands that inspect
/// a server rather than guard it: <c>tools</c>, <c>check</c>, <c>init</c>, <c>pin</c>. The SDK client is fine
/// here: nothing is relayed. Each page is read as raw JSON, because the typed <see cref="Tool"/> drops members
/// it does not know, and a pin must cover the whole definition the server sent.
/// </summary>
internal static class ServerProbe
{
    private const int MaxPages = 1000;

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
        var toolInfo = McpJsonUtilities.DefaultOptions.GetTypeInfo<Tool>();
        var tools = new List<ServerTool>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await client.SendRequestAsync<ListToolsRequestParams, JsonElement>(
                RequestMethods.ToolsList, new ListToolsRequestParams { Cursor = cursor }, McpJsonUtilities.DefaultOptions, cancellationToken: cancellationToken);
            if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("tools"u8, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new McpException("the server answered tools/list without a tool list");
            }

            foreach (var definition in list.EnumerateArray())
            {
                tools.Add(new ServerTool(definition.Deserialize(toolInfo) ?? throw new McpException("the server listed a null tool"), definition.Clone()));
            }

            cursor = result.TryGetProperty("nextCursor"u8, out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (cursor is null)
            {
                return tools;
            }
        }

        throw new McpException($"the server's tool list did not end after {MaxPages} pages");
    }
}
