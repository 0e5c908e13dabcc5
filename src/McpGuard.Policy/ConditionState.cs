namespace McpGuard.Policy;

internal enum ConditionState
{
    Holds,
    Fails,
    CannotEvaluate,
}
