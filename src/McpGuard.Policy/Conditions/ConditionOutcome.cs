namespace McpGuard.Policy.Conditions;

/// <summary>
/// The result of testing a condition: it holds, it does not, or it cannot be evaluated (fail closed).
/// </summary>
internal readonly record struct ConditionOutcome(ConditionState State, string? Why = null)
{
    public static ConditionOutcome Holds { get; } = new(ConditionState.Holds);

    public static ConditionOutcome Fails { get; } = new(ConditionState.Fails);

    public static ConditionOutcome Cannot(string why) => new(ConditionState.CannotEvaluate, why);
}
