namespace McpGuard.ClientConfig;

/// <summary>One servers entry as <c>mcpguard doctor</c> sees it.</summary>
internal abstract record ServerEntryState
{
    private ServerEntryState()
    {
    }

    /// <summary>
    /// Runs behind mcpguard: the guard executable, its <c>--policy</c> (null if none) and the server's command, or its
    /// URL when <see cref="Remote"/>.
    /// </summary>
    public sealed record Wrapped(string Guard, string? Policy, string ServerCommand) : ServerEntryState
    {
        public bool Remote { get; init; }
    }

    /// <summary>
    /// A server that runs without the guard: its command, or its URL (a remote entry wrap can rewrite).
    /// </summary>
    public sealed record Unwrapped(string Command) : ServerEntryState
    {
        public bool Remote { get; init; }
    }

    /// <summary>A remote server or a malformed entry; the reason says which.</summary>
    public sealed record NotLocal(string Reason) : ServerEntryState;
}
