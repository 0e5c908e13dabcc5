namespace McpGuard.Policy.Tools;

/// <summary>
/// What a policy does with a tool as a whole (<c>mcpguard tools</c>); <see cref="ToolEffectWords"/> gives the words.
/// </summary>
internal enum ToolEffect
{
    Allowed,
    Denied,
    NeedsApproval,

    /// <summary>Its rules look at the arguments, so the call decides.</summary>
    Conditional,
    Hidden,
}
