using McpGuard.Policy.Json;

namespace McpGuard.Policy.Limits;

/// <summary>
/// How a limit's counters are split, in words: the inventory (<c>mcpguard tools</c>) and a refusal's reason say it
/// the same way, so a per-symbol budget never reads as one sum for the whole entry.
/// </summary>
internal static class LimitWords
{
    /// <summary><c>" per symbol"</c>, <c>" per account, symbol"</c>, or nothing for one counter.</summary>
    public static string Per(IReadOnlyList<ArgumentPath> per) =>
        per.Count == 0 ? "" : " per " + string.Join(", ", per.Select(p => p.Text));

    /// <summary>A limit as the inventory shows it: what it counts, then its <c>per</c> paths and its scope.</summary>
    public static string Describe(string limit, IReadOnlyList<ArgumentPath> per, CounterScope scope) =>
        limit + Per(per) + scope switch
        {
            CounterScope.Agent => " per agent",
            CounterScope.Session => " (scope: session)",
            _ => "",
        };
}
