namespace McpGuard.Session;

/// <summary>What checking a retry's guard <c>requestState</c> found. A closed set.</summary>
internal abstract record ApprovalStateReading
{
    private ApprovalStateReading()
    {
    }

    /// <summary>Minted by this guard, unaltered, and within its deadline.</summary>
    public sealed record Valid(ApprovalClaims Claims) : ApprovalStateReading;

    /// <summary>Not minted by this guard's key (forged, altered, or from an earlier run).</summary>
    public sealed record Forged : ApprovalStateReading;

    /// <summary>Genuine, but past its deadline.</summary>
    public sealed record Expired : ApprovalStateReading;
}
