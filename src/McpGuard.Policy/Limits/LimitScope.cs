namespace McpGuard.Policy.Limits;

/// <summary>Which part of the policy refused a call at the limits step.</summary>
internal enum LimitScope
{
    /// <summary>A <c>tools</c> entry's <c>rate_limit</c> or <c>budget</c> (or its arguments: fail closed).</summary>
    Entry,

    /// <summary><c>limits.rate_limit</c>, across all tools.</summary>
    Global,

    /// <summary>The <c>state</c> store could not be reached.</summary>
    Store,
}
