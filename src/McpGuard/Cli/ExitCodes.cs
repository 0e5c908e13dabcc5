namespace McpGuard.Cli;

/// <summary>
/// Exit codes of every command. When the child ends a <c>run</c> session, its own code is used instead.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageOrPolicyError = 2;
    public const int HungUp = 129;
    public const int Interrupted = 130;
    public const int Terminated = 143;
}
