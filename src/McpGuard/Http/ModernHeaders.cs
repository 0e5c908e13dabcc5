using System.Text.Json;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>
/// 2026-07-28: <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and <c>Mcp-Name</c> must equal the body. Decisions are
/// made on the body only; a header that says otherwise (what a proxy or a log would believe) is refused.
/// </summary>
internal static class ModernHeaders
{
    /// <summary>The JSON-RPC error code of a header that does not match the body.</summary>
    public const int MismatchCode = -32020;

    /// <summary>Why the headers do not match the body; null when they do.</summary>
    /// <param name="notification">A notification may leave the headers out (the TypeScript SDK's client sends no
    /// <c>Mcp-Method</c> with one, and its server accepts that); those it sends must still equal the body.</param>
    public static string? Mismatch(IHeaderDictionary headers, ClientMessage message, bool notification = false)
    {
        var version = ModernMeta.TryGetMeta(message.Params, out var meta)
            && meta.TryGetProperty(ModernMeta.ProtocolVersionKey, out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (!Equal(headers, "MCP-Protocol-Version", version, notification))
        {
            return "Bad request: the MCP-Protocol-Version header must equal the body's protocol version.";
        }

        if (!Equal(headers, "Mcp-Method", message.Method, notification))
        {
            return "Bad request: the Mcp-Method header must equal the body's method.";
        }

        return Equal(headers, "Mcp-Name", NameOf(message.Params), notification)
            ? null
            : "Bad request: the Mcp-Name header must equal the body's name or uri.";
    }

    /// <summary>
    /// The header is there exactly when the body has the value (or, <paramref name="optional"/>, is left out), once,
    /// and equal to it.
    /// </summary>
    private static bool Equal(IHeaderDictionary headers, string name, string? expected, bool optional) =>
        headers.TryGetValue(name, out var values)
            ? expected is not null && values is [{ } value] && value == expected
            : expected is null || optional;

    private static string? NameOf(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return (parameters.TryGetProperty("name"u8, out var name) || parameters.TryGetProperty("uri"u8, out name))
            && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
    }
}
