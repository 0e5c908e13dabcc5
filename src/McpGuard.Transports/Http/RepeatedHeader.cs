using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace McpGuard.Http;

/// <summary>
/// An MCP header sent more than once (docs/serve.md#the-endpoint): it names one value, so two are refused with a
/// reason that says so, never read as one of them nor as the header missing. Two values come on two field lines or
/// as a list on one (<c>a, b</c>: RFC 9110 joins repeated lines with commas, and proxies may do so); a list is known
/// by its comma only in the headers whose values never hold one (a session id the guard minted in base64url, a
/// revision's date). A method or a name may hold a comma, and those must equal the body anyway.
/// </summary>
internal static class RepeatedHeader
{
    /// <summary>The first of <paramref name="names"/> that the request carries more than once; null if none.</summary>
    public static string? Find(IHeaderDictionary headers, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (headers.TryGetValue(name, out var values) && IsRepeated(name, values))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="values"/>, the request's header <paramref name="name"/> read once by the caller, hold
    /// more than one value (each lookup of a header Kestrel does not know costs ~1,000 instructions, callgrind).
    /// </summary>
    public static bool IsRepeated(string name, StringValues values) =>
        values.Count > 1 || values is [{ } one] && IsList(name, one);

    /// <summary>The one-line reason of the 400.</summary>
    public static string Refusal(string name) => $"Bad request: the {name} header appears more than once.";

    private static bool IsList(string name, string value) =>
        value.Contains(',', StringComparison.Ordinal)
        && (name.Equals(McpEndpoint.SessionHeader, StringComparison.OrdinalIgnoreCase)
            || name.Equals(LegacyRevisions.Header, StringComparison.OrdinalIgnoreCase));
}
