namespace McpGuard.Policy.Conditions;

/// <summary>
/// The one place condition operators meet their words (<c>lte</c>, <c>not_in</c>, …), in policies and explanations.
/// </summary>
internal static class ConditionOperatorWords
{
    /// <summary>Every operator's word, in the order the docs list them (for "known:" in errors).</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<ConditionOperatorKind>().Select(Word)];

    public static string Word(ConditionOperatorKind kind) => kind switch
    {
        ConditionOperatorKind.Eq => "eq",
        ConditionOperatorKind.Ne => "ne",
        ConditionOperatorKind.In => "in",
        ConditionOperatorKind.NotIn => "not_in",
        ConditionOperatorKind.Lt => "lt",
        ConditionOperatorKind.Lte => "lte",
        ConditionOperatorKind.Gt => "gt",
        ConditionOperatorKind.Gte => "gte",
        ConditionOperatorKind.Regex => "regex",
        ConditionOperatorKind.Contains => "contains",
        _ => "exists",
    };

    public static ConditionOperatorKind? Parse(string word) => word switch
    {
        "eq" => ConditionOperatorKind.Eq,
        "ne" => ConditionOperatorKind.Ne,
        "in" => ConditionOperatorKind.In,
        "not_in" => ConditionOperatorKind.NotIn,
        "lt" => ConditionOperatorKind.Lt,
        "lte" => ConditionOperatorKind.Lte,
        "gt" => ConditionOperatorKind.Gt,
        "gte" => ConditionOperatorKind.Gte,
        "regex" => ConditionOperatorKind.Regex,
        "contains" => ConditionOperatorKind.Contains,
        "exists" => ConditionOperatorKind.Exists,
        _ => null,
    };

    /// <summary>lt, lte, gt, gte: they compare numbers.</summary>
    public static bool IsNumeric(ConditionOperatorKind kind) =>
        kind is ConditionOperatorKind.Lt or ConditionOperatorKind.Lte or ConditionOperatorKind.Gt
            or ConditionOperatorKind.Gte;

    /// <summary>in, not_in: they take a list.</summary>
    public static bool TakesList(ConditionOperatorKind kind) =>
        kind is ConditionOperatorKind.In or ConditionOperatorKind.NotIn;
}
