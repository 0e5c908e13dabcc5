namespace McpGuard.ClientConfig;

/// <summary>One servers entry as <c>mcpguard doctor</c> sees it.</summary>
internal abstract record ServerEntryState
{
    private ServerEntryState()
    {
    }

    /// <summary>Runs behind mcpguard: the guard executable, its <c>--policy</c> (null if none) and the server's command.</summary>
    public sealed record Wrapped(string Guard, string? Policy, string ServerCommand) : ServerEntryState;

    /// <summary>A stdio server that runs without the guard.</summary>
    public sealed record Unwrapped(string Command) : ServerEntryState;

    /// <summary>A remote server or a malformed entry; the reason says which.</summary>
    public sealed record NotLocal(string Reason) : ServerEntryState;
}
