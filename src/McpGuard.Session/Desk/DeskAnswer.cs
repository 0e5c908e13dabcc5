namespace McpGuard.Desk;

/// <summary>What a guard polling for a request hears.</summary>
internal enum DeskAnswer
{
    /// <summary>The desk does not know the id (it restarted): the guard posts it again.</summary>
    Unknown,
    Pending,
    Approved,
    Denied,
}
