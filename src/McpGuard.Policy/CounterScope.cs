namespace McpGuard.Policy;

/// <summary>Where a limit counts: in the policy's store, shared by every guard that uses it, or in this guard only.</summary>
internal enum CounterScope
{
    /// <summary><c>scope: shared</c> (the default): the <c>state</c> store.</summary>
    Shared,

    /// <summary><c>scope: session</c>: this guard's memory, from zero at every start.</summary>
    Session,
}
