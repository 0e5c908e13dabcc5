using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.BybitSimulator;

/// <summary>
/// A line-based stdio MCP server of the 2025 era, written by hand rather than hosted by the SDK, because the SDK's
/// transport re-serialises every answer (<c>'</c> becomes <c>\u0027</c>, for one) and the simulator's
/// <c>tools/list</c> must be the real server's bytes. Like the real server it has no <c>server/discover</c>; unlike
/// its SDK 1.9.3 it answers an unknown method with an error instead of exiting, so modern clients fall back to
/// <c>initialize</c>.
/// </summary>
internal sealed class StdioServer(SimulatorTools tools, Stream stdout)
{
    // Escapes only what JSON must, as the real server does: a result's text stays readable on the wire.
    private static readonly JsonSerializerOptions s_json = new(McpJsonUtilities.DefaultOptions)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] s_versions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

    public void Run(TextReader stdin)
    {
        while (stdin.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                Handle(line);
            }
        }
    }

    private void Handle(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            Error("null", -32700, "Parse error");
            return;
        }

        using (document)
        {
            var message = document.RootElement;
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("id", out var idElement)
                || !message.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
            {
                return; // a notification or a client's answer: nothing to say
            }

            var id = idElement.GetRawText();
            var parameters = message.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object
                ? p
                : default;
            switch (method.GetString())
            {
                case "initialize":
                    Reply(id, Initialize(parameters));
                    break;
                case "ping":
                    Reply(id, "{}");
                    break;
                case "tools/list":
                    Reply(id, ToolCatalog.ListResult);
                    break;
                case "tools/call" when parameters.ValueKind == JsonValueKind.Object
                    && parameters.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                    Reply(id, Call(name.GetString()!, parameters));
                    break;
                case "tools/call":
                    Error(id, -32602, "Invalid params: tools/call needs a tool name");
                    break;
                default:
                    Error(id, -32601, "Method not found");
                    break;
            }
        }
    }

    private static string Initialize(JsonElement parameters)
    {
        var requested = parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("protocolVersion", out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var version = s_versions.Contains(requested) ? requested : s_versions[^1];
        return $$$"""{"protocolVersion":"{{{version}}}","capabilities":{"tools":{"listChanged":false}}"""
            + $$$""","serverInfo":{"name":"bybit-simulator","version":"1.0.0"}}""";
    }

    private string Call(string name, JsonElement parameters)
    {
        var arguments = parameters.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.Object
            ? a.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.Clone())
            : null;
        var result = tools.Call(name, arguments);
        return JsonSerializer.Serialize(result, s_json.GetTypeInfo<CallToolResult>());
    }

    private void Reply(string id, string result) => Write($$"""{"jsonrpc":"2.0","id":{{id}},"result":{{result}}}""");

    private void Error(string id, int code, string message) =>
        Write(
            $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":{{{code}}}"""
                + $$$""","message":"{{{JsonEncodedText.Encode(message)}}}"}}""");

    private void Write(string line)
    {
        stdout.Write(Encoding.UTF8.GetBytes(line + "\n"));
        stdout.Flush();
    }
}
