using System.Text.RegularExpressions;

namespace McpGuard.Policy;

/// <summary>One operator of a matcher: <c>lte: 0.01</c>, <c>in: [A, B]</c>, <c>regex: ^BTC</c>, <c>exists: true</c>.</summary>
public sealed record ConditionOperator(string Name, IReadOnlyList<PolicyValue> Values, Regex? Pattern = null)
{
    public PolicyValue Value => Values[0];

    public override string ToString() => Name switch
    {
        "in" or "not_in" => $"{Name} [{string.Join(", ", Values)}]",
        _ => $"{Name} {Value}",
    };
}
