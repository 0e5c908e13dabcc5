using McpGuard.Inventory;
using McpGuard.Policy;
using McpGuard.Policy.Pins;

namespace McpGuard.Pins;

/// <summary>
/// The pin state of each of a server's tools, for <c>mcpguard tools</c> (its pin column and summary line).
/// </summary>
internal sealed class ToolPins
{
    private readonly Dictionary<string, PinDrift> _drift;
    private readonly PinReport? _report;

    private ToolPins(PinReport? report, Dictionary<string, PinDrift> drift)
    {
        _report = report;
        _drift = drift;
    }

    public bool Enabled => _report is not null;

    public static ToolPins Of(CompiledPolicy policy, IReadOnlyList<ServerTool> tools)
    {
        var drift = new Dictionary<string, PinDrift>(StringComparer.Ordinal);
        if (policy.PinnedTools is not { } pins)
        {
            return new ToolPins(null, drift);
        }

        // A tool that cannot be hashed matches no pin, as in the relay; the others are held against theirs.
        foreach (var tool in tools)
        {
            drift[tool.Name] = pins.Find(tool.Name) is null ? PinDrift.New : PinDrift.Changed;
        }

        var listed = ListedPins.From(tools);
        foreach (var pinned in listed.Tools)
        {
            drift[pinned.Name] = pins.Check(pinned);
        }

        return new ToolPins(PinReport.Compare(pins, listed.Tools), drift);
    }

    public PinDrift Drift(string name) => _drift.GetValueOrDefault(name);

    /// <summary>pinned, changed or new; null when the policy pins nothing.</summary>
    public string? Word(string name) => !Enabled ? null : Drift(name) switch
    {
        PinDrift.Changed => "changed",
        PinDrift.New => "new",
        _ => "pinned",
    };

    /// <param name="pinCommand">The <c>mcpguard pin</c> command line for this policy and server, as the hint shows
    /// it.</param>
    public string Summary(string pinCommand) =>
        $"pins: {_report!.Unchanged} pinned, {_report.Changed.Count} changed, {_report.Added.Count} new, "
            + $"{_report.Removed.Count} pinned but gone"
            + (_report.HasDrift ? $" — review with `{pinCommand}`." : ".");
}
