namespace McpGuard.Policy.Proving;

/// <summary>
/// What the guard would do with one call, as <c>mcpguard test</c> and <c>mcpguard replay</c> name it: the policy's
/// three verdicts plus <see cref="Unknown"/>, the answer a hidden tool gets ("Unknown tool").
/// </summary>
// Public only because test theories take it as a parameter, and xunit test classes must be public.
public enum GuardVerdict
{
    Allow,
    Deny,
    RequireApproval,
    Unknown,
}
