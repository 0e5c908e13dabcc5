using System.Text.Json;

namespace McpGuard.Approval;

/// <summary>
/// One call waiting for a person: what they are shown. <paramref name="Changes"/> is set when the tool drifted from
/// its pin (docs/pins.md): the diff lines, server text shown as data.
/// </summary>
internal sealed record ApprovalRequest(
    string CallId,
    string ServerName,
    string ToolName,
    JsonElement Arguments,
    string RuleId,
    string? Reason,
    IReadOnlyList<string>? Changes = null)
{
    /// <summary>
    /// A 2026-07-28 call whose client declared form elicitation: the elicitation channel asks in band.
    /// </summary>
    public bool CanAskInBand { get; init; }

    /// <summary>Who asks (docs/serve.md#agents): serve's agent, or under <c>run</c> the local user.</summary>
    public string? Agent { get; init; }
}
