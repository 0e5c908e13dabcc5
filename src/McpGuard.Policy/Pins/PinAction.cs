namespace McpGuard.Policy.Pins;

/// <summary>
/// What <c>pins.on_change</c> / <c>pins.on_new</c> do with a tool that does not match the lock file (docs/pins.md).
/// </summary>
internal enum PinAction
{
    /// <summary>Gone from tools/list; a call is answered "Unknown tool".</summary>
    Hide,

    /// <summary>Listed, but every call is denied with a reason that says how to re-pin.</summary>
    Deny,

    /// <summary>Listed; every call asks a person, who is shown what changed.</summary>
    RequireApproval,

    /// <summary>Only for <c>on_new</c>: the policy decides as for any pinned tool.</summary>
    Allow,
}
