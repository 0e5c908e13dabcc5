using Microsoft.Extensions.Primitives;

namespace McpGuard.Http;

/// <summary>
/// A POST body's <c>Content-Encoding</c> (docs/serve.md#what-is-checked-in-order). The gateway decodes none: a body
/// in a coding (gzip, br, …) is refused with 415, as RFC 9110 (15.5.16) says, rather than checked as the bytes it is
/// not (a parse error) or, worse, judged raw.
/// </summary>
internal static class ContentCoding
{
    /// <summary>What a 415 names of the client's value: enough to recognise it, never a whole header.</summary>
    private const int MaxNamed = 64;

    /// <summary>The coding a body is declared in that the gateway cannot read; null for none or identity.</summary>
    public static string? Unsupported(StringValues contentEncoding)
    {
        foreach (var value in contentEncoding)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (coding.Length > 0 && !coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return coding.Length <= MaxNamed ? coding : coding[..MaxNamed] + "…";
                }
            }
        }

        return null;
    }

    /// <summary>The one-line reason of the 415.</summary>
    public static string Refusal(string coding) =>
        $"Unsupported Media Type: McpGuard does not decode a body in a content coding (Content-Encoding: {coding}).";
}
