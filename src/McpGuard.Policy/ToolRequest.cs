using System.Text.Json;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;

namespace McpGuard.Policy;

/// <summary>One tool call as the policy sees it: no JSON-RPC, only the tool's name and its arguments.</summary>
internal sealed record ToolRequest
{
    /// <summary>The name exactly as the server will see it (after JSON unescaping).</summary>
    public required string ToolName { get; init; }

    /// <summary>The call's <c>arguments</c> object, or <c>default</c> (Undefined) when the call had none.</summary>
    public JsonElement Arguments { get; init; }

    /// <summary>
    /// The risk class of the tool as the server listed it (from its name, its untrusted annotations and the
    /// policy), computed once when it was listed; null for a tool no listing gave (then its name alone decides).
    /// </summary>
    public RiskClass? Risk { get; init; }

    /// <summary>Who calls (docs/serve.md#agents): counters of <c>scope: agent</c> limits are kept per agent.</summary>
    public string? Agent { get; init; }

    /// <summary>
    /// How the tool's listed definition compares with the lock file (docs/pins.md); the relay knows, the policy
    /// decides.
    /// </summary>
    public PinDrift Drift { get; init; }
}
