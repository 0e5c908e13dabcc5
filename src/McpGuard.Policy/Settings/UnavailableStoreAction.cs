namespace McpGuard.Policy.Settings;

/// <summary>
/// <c>state.on_unavailable</c>: what a call that needs a counter gets while the store cannot be reached.
/// </summary>
internal enum UnavailableStoreAction
{
    /// <summary>Denied, with a reason naming the store (the default: fail closed).</summary>
    Deny,

    /// <summary>Forwarded uncounted, said on stderr and in the audit log.</summary>
    Allow,
}
