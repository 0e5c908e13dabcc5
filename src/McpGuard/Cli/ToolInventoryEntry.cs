using System.Text.Json.Serialization;

namespace McpGuard.Cli;

/// <summary>
/// One tool in <c>mcpguard tools --json</c> (names as in the README: name, risk, effect, rule, limits, and with
/// <c>pins:</c> in the policy, pin: pinned, changed or new), and the tool text flags the table prints below it
/// (empty when the tool's text is clean).
/// </summary>
internal sealed record ToolInventoryEntry(string Name, string Risk, string Effect, string Rule, string? Limits)
{
    public IReadOnlyList<ToolInventoryFlag> Flags { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pin { get; init; }
}
