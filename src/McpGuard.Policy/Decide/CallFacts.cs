using System.Text.Json;

namespace McpGuard.Policy.Decide;

/// <summary>
/// Everything one call is decided on besides the policy: the call itself, the session's view of its tool, the
/// server's self-reported name (which picks the vendor risk catalogue), and the era and round facts.
/// </summary>
internal readonly record struct CallFacts
{
    /// <summary>The name exactly as the server will see it (after JSON unescaping).</summary>
    public required string ToolName { get; init; }

    /// <summary>The call's <c>arguments</c> object, or <c>default</c> (Undefined) when it had none.</summary>
    public JsonElement Arguments { get; init; }

    /// <summary>Who calls (docs/serve.md#agents): <c>scope: agent</c> limits count per agent.</summary>
    public string? Agent { get; init; }

    public required ToolSight Sight { get; init; }

    /// <summary>
    /// The server's self-reported name (<c>serverInfo.name</c>), null until it said (docs/policy.md#risk-classes).
    /// </summary>
    public string? ServerName { get; init; }

    /// <summary>
    /// The 2026-07-28 era: its servers announce list changes only on listen streams the client may not have
    /// open, so a name missing from a complete list is checked against a fresh listing first.
    /// </summary>
    public bool Modern { get; init; }

    /// <summary>The guard listed the server's tools for this very call: a name still missing is unknown.</summary>
    public bool FreshlyListed { get; init; }

    /// <summary>A person's answer, when the call needed one and it came (or a proof assumes one).</summary>
    public PersonAnswer? Answer { get; init; }

    /// <summary>
    /// A tool the client's model picked in a sampling answer (docs/policy.md#sampling): refused unless the policy
    /// judges picks, and never held for a person.
    /// </summary>
    public bool Picked { get; init; }
}
