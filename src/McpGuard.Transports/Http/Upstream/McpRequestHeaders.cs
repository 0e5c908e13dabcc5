using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The Streamable HTTP request headers (docs/remote.md#what-is-forwarded). In the 2026-07-28 era
/// <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and <c>Mcp-Name</c> are derived from the body and must equal it;
/// in the 2025 era the session id and the negotiated revision go on every request after <c>initialize</c>.
/// </summary>
internal static class McpRequestHeaders
{
    public const string ProtocolVersion = "MCP-Protocol-Version";

    public const string Method = "Mcp-Method";

    public const string Name = "Mcp-Name";

    public const string SessionId = "Mcp-Session-Id";

    public const string LastEventId = "Last-Event-ID";

    /// <summary>Headers the guard derives itself; a <c>--header</c> may not set them.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ProtocolVersion, Method, Name, SessionId, LastEventId, "Content-Type", "Content-Length", "Accept", "Host",
        "Transfer-Encoding", "Connection",
    };

    /// <summary>
    /// The body value <c>Mcp-Name</c> mirrors (the TypeScript SDK's table: <c>params.name</c> of tools/call and
    /// prompts/get, <c>params.uri</c> of resources/read, <c>params.taskId</c> of tasks/get|update|cancel); null when
    /// the method has none or the field is not a string.
    /// </summary>
    public static string? NameSource(string method, JsonElement parameters)
    {
        var field = method switch
        {
            "tools/call" or "prompts/get" => "name",
            "resources/read" => "uri",
            "tasks/get" or "tasks/update" or "tasks/cancel" => "taskId",
            _ => null,
        };
        return field is not null && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }

    /// <summary>Sets the body-derived headers of a 2026-07-28 request.</summary>
    public static void SetModern(HttpRequestHeaders headers, OutboundMessage message)
    {
        headers.TryAddWithoutValidation(ProtocolVersion, message.ModernRevision);
        if (message.Kind != OutboundKind.Request)
        {
            return;
        }

        headers.TryAddWithoutValidation(Method, Encode(message.Method!));
        if (message.NameValue is { } name)
        {
            headers.TryAddWithoutValidation(Name, Encode(name));
        }
    }

    /// <summary>
    /// A field value as the spec's value encoding says: plain when it is visible ASCII (or tab) without leading or
    /// trailing whitespace, else <c>=?base64?…?=</c> of its UTF-8 (also when it looks like that form already).
    /// A name with a CR or LF can thus never split a header.
    /// </summary>
    public static string Encode(string value)
    {
        var plain = value.Length > 0
            && value.Trim() == value
            && !(value.StartsWith("=?base64?", StringComparison.Ordinal)
                && value.EndsWith("?=", StringComparison.Ordinal))
            && value.All(c => c == '\t' || c is >= ' ' and <= '~');
        return plain ? value : "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";
    }
}
