namespace McpGuard.Policy;

public enum Verdict
{
    Allow,
    Deny,
    RequireApproval,
}
