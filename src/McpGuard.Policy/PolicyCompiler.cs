using McpGuard.Policy.Decide;
using McpGuard.Policy.Results;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy;

/// <summary>
/// Walks the YAML tree once, building the compiled policy and collecting every problem (not only the first).
/// Unknown keys are errors, with a suggestion when one is close to a known key (<c>defualt</c> → <c>default</c>).
/// </summary>
internal sealed partial class PolicyCompiler(string source, Func<string, LockFileLoadResult> readLockFile)
{
    private static readonly string[] s_topKeys = ["version", "default", "hide", "risk", "tools", "limits", "approval", "audit", "pins", "state", "sampling", "telemetry", "results", "serve"];

    private readonly List<PolicyError> _errors = [];

    public IReadOnlyList<PolicyError> Errors => _errors;

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
        if (defaultVerdict is null || _errors.Count > 0)
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
        return new CompiledPolicy(source, defaultVerdict.Value, hide, entries)
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

    /// <summary>The mapping's keys, each once; unknown and duplicate keys are reported.</summary>
    private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string path, IReadOnlyList<string> known)
    {
        var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Scalar(keyNode) ?? "";
            var keyPath = path == "$" ? key : $"{path}.{key}";
            if (!known.Contains(key))
            {
                var hint = Suggest(key, known);
                Error(keyNode, keyPath, $"unknown key '{key}'{(hint is null ? "" : $"; did you mean '{hint}'?")} (known: {string.Join(", ", known)})");
            }
            else if (!keys.TryAdd(key, value))
            {
                Error(keyNode, keyPath, "is written twice");
            }
        }

        return keys;
    }

    private static string? Scalar(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value : null;

    private static bool IsQuoted(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded };

    private void Error(YamlNode node, string path, string message) =>
        _errors.Add(new PolicyError(source, (int)node.Start.Line, (int)node.Start.Column, path, message));

    private T? ErrorValue<T>(YamlNode node, string path, string message)
        where T : struct
    {
        Error(node, path, message);
        return null;
    }

    private static string? Suggest(string key, IReadOnlyList<string> known) =>
        known.Select(k => (k, d: Distance(key, k))).Where(x => x.d <= Math.Max(1, x.k.Length / 3)).OrderBy(x => x.d).Select(x => x.k).FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
