using McpGuard.Policy.Decide;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Results;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

/// <summary>
/// Walks the policy's YAML tree once, building the compiled policy and collecting every problem (not only the
/// first); one section parser per top-level key, in the partials named after them.
/// </summary>
internal sealed partial class PolicyCompiler(string source, Func<string, LockFileLoadResult> readLockFile)
    : YamlWalker(source)
{
    private static readonly string[] s_topKeys = ["version", "default", "hide", "risk", "tools", "limits", "approval", "audit", "pins", "state", "sampling", "telemetry", "results", "serve"];

    public CompiledPolicy? Compile(YamlNode root)
    {
        if (root is not YamlMappingNode map)
        {
            Error(root, "$", "the policy must be a mapping of keys (version, default, hide, tools, ...)");
            return null;
        }

        var keys = Keys(map, "$", s_topKeys);
        if (!keys.TryGetValue("version", out var version))
        {
            Error(root, "version", "is required: write `version: 1`");
        }
        else if (Scalar(version) is not "1")
        {
            Error(version, "version", "must be 1");
        }

        Verdict? defaultVerdict = null;
        if (!keys.TryGetValue("default", out var defaultNode))
        {
            Error(root, "default", "is required (allow, deny or require_approval): the default is never implied");
        }
        else
        {
            defaultVerdict = ParseVerdict(defaultNode, "default");
        }

        var hide = keys.TryGetValue("hide", out var hideNode) ? ParseHide(hideNode) : [];
        var entries = keys.TryGetValue("tools", out var toolsNode) ? ParseTools(toolsNode) : [];
        var risk = keys.TryGetValue("risk", out var riskNode) ? ParseRisk(riskNode) : RiskSection.Empty;
        var global = keys.TryGetValue("limits", out var limitsNode) ? ParseLimits(limitsNode) : null;
        var approval = keys.TryGetValue("approval", out var approvalNode) ? ParseApproval(approvalNode) : ApprovalSettings.Default;
        var audit = keys.TryGetValue("audit", out var auditNode) ? ParseAudit(auditNode) : AuditSettings.Default;
        var pins = keys.TryGetValue("pins", out var pinsNode) ? ParsePins(pinsNode) : null;
        var state = keys.TryGetValue("state", out var stateNode) ? ParseState(stateNode) : StateSettings.Default;
        var sampling = keys.TryGetValue("sampling", out var samplingNode) ? ParseSampling(samplingNode) : SamplingTools.Refuse;
        var serve = keys.TryGetValue("serve", out var serveNode) ? ParseServe(serveNode) : ServeSettings.Default;
        var telemetry = keys.TryGetValue("telemetry", out var telemetryNode) ? ParseTelemetry(telemetryNode) : TelemetrySettings.Off;
        var results = keys.TryGetValue("results", out var resultsNode) ? ParseResults(resultsNode, "results") : ResultRules.None;
        if (defaultVerdict is null || Errors.Count > 0)
        {
            return null;
        }

        // Only a policy that is otherwise valid reads its lock file, so its errors come alone and the guard never
        // runs with pins: set and no pins loaded.
        var pinned = pins is null ? null : LoadPins(pins);
        if (pins is not null && pinned is null)
        {
            return null;
        }

        // An entry's result rules add to the global ones: combined once here, not per answer.
        entries = [.. entries.Select(e => e.Results.IsEmpty ? e : e with { Results = results.With(e.Results) })];
        return new CompiledPolicy(Source, defaultVerdict.Value, hide, entries)
        {
            Results = results,
            RiskVerdicts = risk.Verdicts,
            HiddenRiskClasses = risk.Hidden,
            RiskOverrides = risk.Overrides,
            Catalogue = risk.Catalogue,
            GlobalRateLimit = global,
            Approval = approval,
            Audit = audit,
            Pins = pins,
            PinnedTools = pinned,
            State = state,
            SamplingTools = sampling,
            Serve = serve,
            Telemetry = telemetry,
        };
    }

    private List<Glob> ParseHide(YamlNode node)
    {
        var globs = new List<Glob>();
        if (node is not YamlSequenceNode list)
        {
            Error(node, "hide", "must be a list of tool names or globs");
            return globs;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            if (Scalar(list.Children[i]) is { Length: > 0 } name)
            {
                globs.Add(new Glob(name));
            }
            else
            {
                Error(list.Children[i], $"hide[{i}]", "must be a tool name or glob");
            }
        }

        return globs;
    }

    private Verdict? ParseVerdict(YamlNode node, string path) =>
        DecisionWords.ParseAction(Scalar(node))
        ?? ErrorValue<Verdict>(node, path, $"must be allow, deny or require_approval, not '{Scalar(node) ?? node.NodeType.ToString()}'");
}
