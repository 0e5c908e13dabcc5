using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;

namespace McpGuard.Session;

/// <summary>
/// The judges the relay reads tools/list pages with. With <c>pins:</c>, each listed definition is hashed and held
/// against the lock file of the policy in force when the page arrives (docs/pins.md#in-the-relay); a definition that
/// cannot be hashed (not I-JSON) can match no pin, so it counts as changed or new, never as pinned.
/// </summary>
internal static class ToolListJudges
{
    /// <summary>Hides nothing, checks nothing (tests, and reading a page for its names only).</summary>
    public static ToolJudge None { get; } = static (_, read) => read;

    public static ToolJudge HideOnly(Func<string, ToolHints?, bool> isHidden) =>
        (_, read) => isHidden(read.Name, read.Hints) ? null : read;

    /// <param name="hide">False for the guard's own listing: the gate hides at call time, so the catalog knows every
    /// tool.</param>
    /// <param name="onDrift">Told of every tool that does not match its pin, hidden ones included.</param>
    /// <param name="serverName">The server's self-reported name, which picks the catalogue that classifies its
    /// tools.</param>
    /// <param name="onChecked">Told of every listed tool after its pin check, hidden ones included: what the
    /// session's catalog keeps, so a call to a hidden tool is answered as hidden (with its pin rule), not as never
    /// listed.</param>
    public static ToolJudge For(
        CompiledPolicy policy,
        string? serverName,
        bool hide,
        Action<ListedTool, PinAction>? onDrift = null,
        Action<ListedTool>? onChecked = null) => (tool, read) =>
    {
        var checkedTool = Check(policy, tool, read);
        if (checkedTool.Drift != PinDrift.None)
        {
            onDrift?.Invoke(checkedTool, policy.Pins!.ActionFor(checkedTool.Drift));
        }

        onChecked?.Invoke(checkedTool);

        if (!hide)
        {
            return checkedTool;
        }

        var risk = policy.Classify(checkedTool.Name, checkedTool.Hints, serverName);
        return policy.IsHidden(checkedTool.Name, risk, checkedTool.Drift) ? null : checkedTool;
    };

    private static ListedTool Check(CompiledPolicy policy, JsonElement tool, ListedTool read)
    {
        if (policy.PinnedTools is not { } pins)
        {
            return read;
        }

        if (!ToolDefinition.TryFingerprint(tool, out var listed, out _))
        {
            return read with { Drift = pins.Find(read.Name) is null ? PinDrift.New : PinDrift.Changed };
        }

        var drift = pins.Check(listed);
        return drift == PinDrift.None ? read : read with { Drift = drift, Listed = listed };
    }
}
