using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>
/// An MCP header sent more than once (docs/serve.md#the-endpoint): it names one value, so two are refused with a
/// reason that says so, never read as one of them nor as the header missing.
/// </summary>
internal static class RepeatedHeader
{
    /// <summary>The first of <paramref name="names"/> that the request carries more than once; null if none.</summary>
    public static string? Find(IHeaderDictionary headers, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (headers.TryGetValue(name, out var values) && values.Count > 1)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>The one-line reason of the 400.</summary>
    public static string Refusal(string name) => $"Bad request: the {name} header appears more than once.";
}
