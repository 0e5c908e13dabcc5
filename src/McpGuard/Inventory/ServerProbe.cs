using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// Connects to a server the way a client would and lists its tools (every page), for the commands that inspect
/// a server rather than guard it: <c>tools</c>, <c>check</c>, <c>init</c>, <c>pin</c>. The SDK client is fine here:
/// nothing is relayed. Each page is read as raw JSON, because the typed <see cref="Tool"/> drops members it does
/// not know, and a pin must cover the whole definition the server sent. A server that answers with something
/// the SDK cannot read makes it throw; the caller turns that into one line for a person.
/// </summary>
internal static class ServerProbe
{
    private const int MaxPages = 1000;

    public static async Task<ServerInventory> ListToolsAsync(IClientTransport transport, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new McpClientOptions { ClientInfo = new Implementation { Name = "mcpguard", Version = "1" } };
        await using var client = await McpClient.CreateAsync(transport, options, loggerFactory, cancellationToken);
        var toolInfo = McpJsonUtilities.DefaultOptions.GetTypeInfo<Tool>();
        var tools = new List<ServerTool>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var response = await client.SendRequestAsync(
                new JsonRpcRequest { Id = new RequestId($"mcpguard-pin-{page}"), Method = RequestMethods.ToolsList, Params = cursor is null ? null : new JsonObject { ["cursor"] = cursor } },
                cancellationToken);
            using var document = JsonDocument.Parse(response.Result?.ToJsonString() ?? "null");
            var result = document.RootElement;
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
                return new ServerInventory(client.ServerInfo?.Name, tools);
            }
        }

        throw new McpException($"the server's tool list did not end after {MaxPages} pages");
    }
}
