using McpGuard.Inventory;
using McpGuard.Policy;
using McpGuard.Policy.Pins;

namespace McpGuard.Pins;

/// <summary>
/// What <c>mcpguard check</c> says about pins against a live server: each tool that drifted and what the guard will
/// do with it, pins the server no longer lists, and tools that cannot be pinned. Drift is a warning here, not an
/// error: the policy is valid, and <c>mcpguard pin --check</c> is the gate for drift.
/// </summary>
internal static class PinFindings
{
    /// <param name="pinCommand">The <c>mcpguard pin</c> command line for this policy and server, as the hint shows
    /// it.</param>
    public static IEnumerable<CheckFinding> Run(
        CompiledPolicy policy, IReadOnlyList<ServerTool> tools, string pinCommand)
    {
        if (policy.Pins is not { } settings || policy.PinnedTools is not { } pins)
        {
            yield break;
        }

        var listed = ListedPins.From(tools);
        foreach (var problem in listed.Problems)
        {
            yield return new(false, $"pins: {problem} (treated as {Word(settings.OnChange)} / {Word(settings.OnNew)})");
        }

        var report = PinReport.Compare(pins, listed.Tools);
        foreach (var change in report.Changed)
        {
            yield return new(false, $"pins: {change.Listed.Name} changed since it was pinned "
                + $"({PinDiff.Lines(change.Pinned, change.Listed).Count} lines differ); "
                + $"on_change: {Word(settings.OnChange)}.");
        }

        foreach (var added in report.Added)
        {
            yield return new(false, $"pins: {added.Name} is not in {Path.GetFileName(pins.File)}; "
                + $"on_new: {Word(settings.OnNew)}.");
        }

        foreach (var removed in report.Removed)
        {
            yield return new(false, $"pins: {removed.Name} is pinned but the server no longer lists it.");
        }

        if (report.HasDrift)
        {
            yield return new(false, $"pins: review the drift with `{pinCommand}` (it shows the diff, then re-pins).");
        }
    }

    public static string Word(PinAction action) => action switch
    {
        PinAction.Hide => "hide",
        PinAction.Deny => "deny",
        PinAction.RequireApproval => "require_approval",
        _ => "allow",
    };
}
