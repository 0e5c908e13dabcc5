using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace McpGuard.Http;

/// <summary>
/// The <c>MCP-Protocol-Version</c> header of a request in a 2025 session (docs/serve.md). The transport (2025-06-18,
/// 2025-11-25) says a server MUST answer an invalid or unsupported one with 400, as both SDKs do; without the header,
/// the session's negotiated revision holds. The guard serves the initialize-era revisions named here: the header
/// never reaches a stdio child, so the guard is the one to check it.
/// </summary>
internal static class LegacyRevisions
{
    public const string Header = "MCP-Protocol-Version";

    /// <summary>
    /// The initialize-era revisions the guard serves, newest first: the one list, also the <c>supported</c> of the
    /// <c>-32022</c> a 2025-only upstream's refusal of a 2026-07-28 request becomes (docs/remote.md#failures).
    /// </summary>
    public static IReadOnlyList<string> Served { get; } = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

    /// <summary>Whether the request has no such header, or one naming a served revision once.</summary>
    public static bool Allows(IHeaderDictionary headers) => Allows(headers[Header]);

    /// <summary>Whether the header's values (none: it is absent) are one naming a served revision.</summary>
    public static bool Allows(StringValues values) =>
        values.Count == 0 || values is [{ } value] && Served.Contains(value, StringComparer.Ordinal);

    /// <summary>The one-line reason of the 400, naming what is served.</summary>
    public static string Refusal { get; } =
        $"Bad Request: unsupported {Header} header; a 2025 session takes {string.Join(", ", Served)}.";
}
