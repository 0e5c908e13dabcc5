using System.Text.RegularExpressions;
using McpGuard.Policy.Values;

namespace McpGuard.Policy.Conditions;

/// <summary>
/// One operator of a matcher: <c>lte: 0.01</c>, <c>in: [A, B]</c>, <c>regex: ^BTC</c>, <c>exists: true</c>.
/// </summary>
internal sealed record ConditionOperator(
    ConditionOperatorKind Kind, IReadOnlyList<PolicyValue> Values, Regex? Pattern = null)
{
    public PolicyValue Value => Values[0];

    public override string ToString() => ConditionOperatorWords.TakesList(Kind)
        ? $"{ConditionOperatorWords.Word(Kind)} [{string.Join(", ", Values)}]"
        : $"{ConditionOperatorWords.Word(Kind)} {Value}";
}
