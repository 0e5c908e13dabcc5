using System.Text;
using System.Text.Json;
using McpGuard.Http.Upstream;
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

    private static readonly UTF8Encoding s_strictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Why the headers do not match the body; null when they do.</summary>
    /// <param name="notification">A notification may leave the headers out (the TypeScript SDK's client sends no
    /// <c>Mcp-Method</c> with one, and its server accepts that); those it sends must still equal the body.</param>
    public static string? Mismatch(IHeaderDictionary headers, ClientMessage message, bool notification = false)
    {
        if (RepeatedHeader.Find(headers, "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name") is { } repeated)
        {
            return RepeatedHeader.Refusal(repeated);
        }

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

        // Mcp-Name mirrors the field the transport names for the method (McpRequestHeaders.NameSource: the table the
        // TypeScript SDK's client and server share), in the spec's value encoding: a value that is not plain visible
        // ASCII (café, a URI with é, leading spaces) comes as =?base64?…?=, which is compared decoded.
        var source = message.Method is { } method ? McpRequestHeaders.NameSource(method, message.Params) : null;
        return NameEqual(headers, source, notification)
            ? null
            : "Bad request: the Mcp-Name header must equal the body's name, uri or taskId.";
    }

    /// <summary>
    /// The header is there exactly when the body has the value (or, <paramref name="optional"/>, is left out), once,
    /// and equal to it.
    /// </summary>
    private static bool Equal(IHeaderDictionary headers, string name, string? expected, bool optional) =>
        headers.TryGetValue(name, out var values)
            ? expected is not null && values is [{ } value] && value == expected
            : expected is null || optional;

    private static bool NameEqual(IHeaderDictionary headers, string? expected, bool optional) =>
        headers.TryGetValue("Mcp-Name", out var values)
            ? expected is not null && values is [{ } value] && Decoded(value) == expected
            : expected is null || optional;

    /// <summary>
    /// A value in the spec's encoding: <c>=?base64?…?=</c> is the UTF-8 of canonical base64 (else null: refused, as
    /// the TypeScript SDK's server refuses it); anything else is the value itself.
    /// </summary>
    internal static string? Decoded(string value)
    {
        const string Prefix = "=?base64?", Suffix = "?=";
        if (!value.StartsWith(Prefix, StringComparison.Ordinal) || !value.EndsWith(Suffix, StringComparison.Ordinal)
            || value.Length < Prefix.Length + Suffix.Length)
        {
            return value;
        }

        var payload = value[Prefix.Length..^Suffix.Length];
        try
        {
            var bytes = Convert.FromBase64String(payload);
            return Convert.ToBase64String(bytes) == payload ? s_strictUtf8.GetString(bytes) : null;
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
