using System.Text.Json.Serialization;

namespace McpGuard.Cli;

/// <summary>
/// One tool in <c>mcpguard tools --json</c> (names as in the README: name, risk, effect, rule, limits, and with
/// <c>pins:</c> in the policy, pin: pinned, changed or new).
/// </summary>
internal sealed record ToolInventoryEntry(string Name, string Risk, string Effect, string Rule, string? Limits)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pin { get; init; }
}
