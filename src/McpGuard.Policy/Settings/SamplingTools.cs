namespace McpGuard.Policy.Settings;

/// <summary>
/// <c>sampling.tools</c> (docs/policy.md#sampling): what the guard does when a server asks the client's model to
/// pick tools, whose picks the server would then run.
/// </summary>
internal enum SamplingTools
{
    /// <summary>
    /// The default: the request is refused, and the client's <c>sampling.tools</c> capability is not passed on.
    /// </summary>
    Refuse,

    /// <summary>
    /// Every <c>tool_use</c> in the model's answer is judged like a tools/call of that name and those arguments.
    /// </summary>
    Judge,
}
