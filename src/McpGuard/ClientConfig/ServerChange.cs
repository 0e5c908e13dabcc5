namespace McpGuard.ClientConfig;

/// <summary>What wrap or unwrap did to one <c>mcpServers</c> entry, for the report.</summary>
internal sealed record ServerChange(string Name, ServerChangeKind Kind, string Detail)
{
    public bool Changed => Kind is ServerChangeKind.Wrapped or ServerChangeKind.Unwrapped;

    /// <summary>The server's own command, of a stdio entry wrap put behind mcpguard (for wrap's PATH note).</summary>
    public string? Command { get; init; }
}
