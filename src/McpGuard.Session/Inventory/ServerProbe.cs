using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// Connects to a server the way a client would and lists its tools (every page), for the commands that inspect
/// a server rather than guard it: <c>tools</c>, <c>check</c>, <c>init</c>, <c>pin</c>. The connection is opened in
/// the server's own era by <see cref="ProbeHandshake"/>, so no server dies of the probe. Each page is read as raw
/// JSON, because the typed <see cref="Tool"/> drops members it does not know, and a pin must cover the whole
/// definition the server sent. A server that answers with something unreadable makes it throw; the caller turns
/// that into one line for a person.
/// </summary>
internal static class ServerProbe
{
    private const int MaxPages = 1000;

    /// <param name="listed">Called once the last page is in, before the connection closes: the server is then
    /// not waited for (<see cref="ServerConnector"/>).</param>
    public static async Task<ServerInventory> ListToolsAsync(
        IClientTransport transport, CancellationToken cancellationToken, Action? listed = null)
    {
        await using var connection = new ProbeConnection(await transport.ConnectAsync(cancellationToken));
        var session = await ProbeHandshake.OpenAsync(connection, cancellationToken);
        var toolInfo = McpJsonUtilities.DefaultOptions.GetTypeInfo<Tool>();
        var tools = new List<ServerTool>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var parameters = session.ListParams(cursor);
            var answer = await connection.RequestAsync(RequestMethods.ToolsList, parameters, cancellationToken);
            if (answer is ProbeAnswer.Unanswered unanswered)
            {
                throw new UpstreamUnansweredException(unanswered);
            }

            if (answer is ProbeAnswer.Refused refused)
            {
                throw new McpException($"the server refused tools/list: {refused.Message}");
            }

            using var document = JsonDocument.Parse(((ProbeAnswer.Result)answer).Value?.ToJsonString() ?? "null");
            var result = document.RootElement;
            if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("tools"u8, out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                throw new McpException("the server answered tools/list without a tool list");
            }

            foreach (var definition in list.EnumerateArray())
            {
                var tool = definition.Deserialize(toolInfo) ?? throw new McpException("the server listed a null tool");
                tools.Add(new ServerTool(tool, definition.Clone()));
            }

            cursor = result.TryGetProperty("nextCursor"u8, out var next) && next.ValueKind == JsonValueKind.String
                ? next.GetString()
                : null;
            if (cursor is null)
            {
                listed?.Invoke();
                return new ServerInventory(session.ServerName, tools);
            }
        }

        throw new McpException($"the server's tool list did not end after {MaxPages} pages");
    }
}
