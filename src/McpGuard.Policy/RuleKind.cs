namespace McpGuard.Policy;

/// <summary>The kinds of <see cref="RuleId"/>: which part of the policy, or of the guard, decided a call.</summary>
internal enum RuleKind
{
    /// <summary><c>default</c>: nothing else in the policy decided.</summary>
    Default,

    /// <summary><c>hide</c> (or a hidden risk class): the tool is answered as unknown.</summary>
    Hide,

    /// <summary>A <c>tools</c> entry's own action, or its limits: <c>tools.place_order</c>.</summary>
    Entry,

    /// <summary>A rule of a <c>tools</c> entry: <c>tools.place_order.rules[0]</c>.</summary>
    Rule,

    /// <summary>The tool's risk class: <c>risk.write</c>.</summary>
    Risk,

    /// <summary><c>limits</c>: a limit refused the call (or allowed it with nothing to count).</summary>
    Limits,

    /// <summary><c>state</c>: the counter store could not be reached.</summary>
    Store,

    /// <summary><c>pins.on_change</c>: the tool's definition changed since it was pinned.</summary>
    PinChanged,

    /// <summary><c>pins.on_new</c>: the tool is not in the lock file.</summary>
    PinNew,

    /// <summary>
    /// <c>approval</c>: the guard refused an approval round itself (stale, forged or answered state).
    /// </summary>
    Approval,

    /// <summary><c>sampling</c>: a tool the client's model picked in a sampling answer, refused as such.</summary>
    Sampling,

    /// <summary>
    /// <c>listing</c>: the guard could not list the server's tools (the server refused or failed its
    /// <c>tools/list</c>), so the call was answered without being decided and never forwarded.
    /// </summary>
    Listing,
}
