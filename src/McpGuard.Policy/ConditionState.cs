namespace McpGuard.Policy;

public enum ConditionState
{
    Holds,
    Fails,
    CannotEvaluate,
}
