using McpGuard.Policy;
using McpGuard.Policy.Proving;

namespace McpGuard.Inventory;

/// <summary>
/// The cases <c>mcpguard init</c> writes beside its starter policy: for each risk class the server has, its
/// first tool and what the starter policy does with it, plus a name the server does not have. A tool whose
/// class comes from its annotations is left out: <c>mcpguard test</c> has no server, so it classifies by name.
/// </summary>
internal static class StarterCases
{
    private static readonly string[] s_header =
    [
        " McpGuard starter cases, written by `mcpguard init` beside the starter policy.",
        " Run them: mcpguard test --policy POLICY_FILE THIS_FILE   (the format is in docs/testing.md)",
        " Add a case for every rule you write: a call it lets through and one it stops.",
    ];

    public static string Write(IReadOnlyList<ServerTool> tools)
    {
        var cases = new List<StarterCase>();
        foreach (var group in tools.Where(t => RiskClassifier.Classify(t.Name, t.Hints) == RiskClassifier.Classify(t.Name, null))
            .GroupBy(t => RiskClassifier.Classify(t.Name, null)).OrderBy(g => g.Key))
        {
            var tool = group.First().Name;
            var (expect, what) = group.Key switch
            {
                RiskClass.Read => (GuardVerdict.Allow, "is allowed"),
                RiskClass.Write or RiskClass.Destructive => (GuardVerdict.RequireApproval, "needs a person"),
                RiskClass.Critical => (GuardVerdict.Unknown, "is hidden"),
                _ => (GuardVerdict.Deny, "is refused"),
            };
            cases.Add(new StarterCase($"{tool} ({group.Key.ToString().ToLowerInvariant()}) {what}", tool, expect));
        }

        var stranger = "no_such_tool";
        while (tools.Any(t => t.Name == stranger))
        {
            stranger += "_";
        }

        cases.Add(new StarterCase($"a tool the server does not list ({stranger}) is refused", stranger, GuardVerdict.Deny));
        return CasesWriter.Write(s_header, cases);
    }
}
