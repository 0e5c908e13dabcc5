namespace McpGuard.Policy.Limits;

/// <summary>
/// Where a limit counts: in the policy's store, shared by every guard that uses it, or in this guard only.
/// </summary>
internal enum CounterScope
{
    /// <summary><c>scope: shared</c> (the default): the <c>state</c> store.</summary>
    Shared,

    /// <summary><c>scope: session</c>: this guard's memory, from zero at every start.</summary>
    Session,

    /// <summary>
    /// <c>scope: agent</c>: the state store, one counter per agent (serve's authenticated caller, the local user
    /// under run), shared by every guard on the store: the agent is the counter's last <c>per</c> value.
    /// </summary>
    Agent,
}
