namespace McpGuard.Policy.Pins;

/// <summary>How a listed tool compares with the lock file.</summary>
internal enum PinDrift
{
    /// <summary>Pinned, and its definition hashes the same (or the policy has no <c>pins:</c>).</summary>
    None,

    /// <summary>Pinned under this exact name, but its definition hashes differently.</summary>
    Changed,

    /// <summary>No pin has this exact name.</summary>
    New,
}
