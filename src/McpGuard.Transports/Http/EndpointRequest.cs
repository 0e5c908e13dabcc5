using McpGuard.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace McpGuard.Http;

/// <summary>
/// What the endpoint reads of a request before its message (docs/serve.md): its media types and its MCP headers.
/// Cheap on purpose: each is read once per request, most without a parse.
/// </summary>
internal static class EndpointRequest
{
    /// <summary>
    /// <c>application/json</c>, compared case-insensitively, parameters (charset) allowed. The type alone, as
    /// clients send it, is known without a parse (which cost an object and ~800 instructions a request).
    /// </summary>
    public static bool IsJson(string? contentType) =>
        string.Equals(contentType, "application/json", StringComparison.OrdinalIgnoreCase)
        || MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The transport spec's MUST for a POST, which both SDKs answer with 406 when missed: the guard may answer with
    /// JSON or, when messages come before the answer (an approval question, progress), with an event stream.
    /// </summary>
    public static bool AcceptsJsonAndEventStream(HttpRequest request)
    {
        if (request.Headers.Accept is [var only] && MediaType.IsBothAnswers(only))
        {
            return true;
        }

        var accept = request.GetTypedHeaders().Accept;
        return MediaType.Accepts(accept, MediaType.Json) && MediaType.Accepts(accept, MediaType.EventStream);
    }

    /// <summary>The request's <c>MCP-Protocol-Version</c> header names 2026-07-28 or later.</summary>
    public static bool NamesModernRevision(StringValues revisions) =>
        revisions is [{ } version] && string.CompareOrdinal(version, ModernMeta.FirstModernRevision) >= 0;

    /// <summary>The MCP header of a 2025 session's request sent more than once, if one is (session id first).</summary>
    public static string? Repeated(StringValues sessionIds, StringValues revisions) =>
        RepeatedHeader.IsRepeated(McpEndpoint.SessionHeader, sessionIds) ? McpEndpoint.SessionHeader
        : RepeatedHeader.IsRepeated(LegacyRevisions.Header, revisions) ? LegacyRevisions.Header
        : null;
}
