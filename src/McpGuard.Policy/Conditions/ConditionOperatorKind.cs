namespace McpGuard.Policy.Conditions;

/// <summary>The operators of a <c>when</c> matcher; <see cref="ConditionOperatorWords"/> gives their words.</summary>
internal enum ConditionOperatorKind
{
    Eq,
    Ne,
    In,
    NotIn,
    Lt,
    Lte,
    Gt,
    Gte,
    Regex,
    Contains,
    Exists,
}
