using System.Text.Json;
using McpGuard.Policy.Decide;

namespace McpGuard.Policy.Proving;

/// <summary>
/// A call, made <see cref="Repeat"/> times at the case's current time, each expected to be decided the same way.
/// </summary>
internal sealed record CallStep : CaseStep
{
    public required string Tool { get; init; }

    /// <summary>The call's arguments object, or Undefined when the step gives none.</summary>
    public JsonElement Arguments { get; init; }

    public int Repeat { get; init; } = 1;

    public required CallVerdict Expect { get; init; }

    /// <summary>Text the decision's reason must contain (ordinal comparison), if given.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// What a person answers if the call needs approval: true forwards and counts it, as an approval does in a
    /// guard; false (the default) leaves it unanswered, neither forwarded nor counted.
    /// </summary>
    public bool Approve { get; init; }

    /// <summary>A sample answer and what the result rules must make of it (<c>expect_result:</c>), if given.</summary>
    public ExpectedResult? ExpectResult { get; init; }
}
