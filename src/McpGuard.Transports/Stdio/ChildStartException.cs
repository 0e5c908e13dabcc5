namespace McpGuard.Stdio;

/// <summary>The server command could not be started (not found, not executable).</summary>
internal sealed class ChildStartException : Exception
{
    public ChildStartException(string message)
        : base(message)
    {
    }

    public ChildStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
