namespace McpGuard.Policy.Conditions;

internal enum ConditionState
{
    Holds,
    Fails,
    CannotEvaluate,
}
