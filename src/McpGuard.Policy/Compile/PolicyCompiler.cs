using McpGuard.Policy.Pins;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// Walks the policy's YAML tree once, building the compiled policy and collecting every problem (not only the
/// first). Each top-level section has a parser of its own; this class only dispatches the keys to them, checks the
/// whole, and reads the lock file of a valid policy.
/// </summary>
internal sealed class PolicyCompiler(string source, Func<string, LockFileLoadResult> readLockFile)
{
    /// <summary>
    /// Every top-level section, in the order an unknown key's error lists them: a new section is a parser of its
    /// own and a line here (and the draft and compiled property it fills).
    /// </summary>
    private static readonly PolicySection[] s_sections =
    [
        PolicySection.Of("version", CheckVersion, (_, _) => { }, whenMissing: "is required: write `version: 1`"),
        PolicySection.Of(
            "default", (yaml, node) => VerdictValue.Read(yaml, node, "default"), (draft, v) => draft.Default = v,
            whenMissing: "is required (allow, deny or require_approval): the default is never implied"),
        PolicySection.Of("hide", (yaml, node) => new HideParser(yaml).Parse(node), (draft, v) => draft.Hide = v),
        PolicySection.Of("risk", (yaml, node) => new RiskParser(yaml).Parse(node), (draft, v) => draft.Risk = v),
        PolicySection.Of("tools", (yaml, node) => new ToolsParser(yaml).Parse(node), (draft, v) => draft.Entries = v),
        PolicySection.Of(
            "limits", (yaml, node) => new LimitsParser(yaml).Parse(node), (draft, v) => draft.GlobalRateLimit = v),
        PolicySection.Of(
            "approval", (yaml, node) => new ApprovalParser(yaml).Parse(node), (draft, v) => draft.Approval = v),
        PolicySection.Of("audit", (yaml, node) => new AuditParser(yaml).Parse(node), (draft, v) => draft.Audit = v),
        PolicySection.Of("pins", (yaml, node) => new PinsParser(yaml).Parse(node), (draft, v) => draft.Pins = v),
        PolicySection.Of("state", (yaml, node) => new StateParser(yaml).Parse(node), (draft, v) => draft.State = v),
        PolicySection.Of(
            "sampling", (yaml, node) => new SamplingParser(yaml).Parse(node), (draft, v) => draft.Sampling = v),
        PolicySection.Of(
            "telemetry", (yaml, node) => new TelemetryParser(yaml).Parse(node), (draft, v) => draft.Telemetry = v),
        PolicySection.Of(
            "results", (yaml, node) => new ResultsParser(yaml).Parse(node, "results"), (draft, v) => draft.Results = v),
        PolicySection.Of("serve", (yaml, node) => new ServeParser(yaml).Parse(node), (draft, v) => draft.Serve = v),
    ];

    private static readonly string[] s_topKeys = [.. s_sections.Select(s => s.Key)];

    private readonly YamlWalker _yaml = new(source);

    public IReadOnlyList<PolicyError> Errors => _yaml.Errors;

    public CompiledPolicy? Compile(YamlNode root)
    {
        var keys = _yaml.MappingKeys(
            root, "$", s_topKeys, "the policy must be a mapping of keys (version, default, hide, tools, ...)");
        if (keys is null)
        {
            return null;
        }

        var draft = new PolicyDraft();
        foreach (var section in s_sections)
        {
            if (keys.TryGetValue(section.Key, out var node))
            {
                section.Read(_yaml, node, draft);
            }
            else if (section.WhenMissing is { } missing)
            {
                _yaml.Error(root, section.Key, missing);
            }
        }

        if (draft.Default is not { } defaultVerdict || _yaml.Errors.Count > 0)
        {
            return null;
        }

        // Only a policy that is otherwise valid reads its lock file, so its errors come alone and the guard never
        // runs with pins: set and no pins loaded.
        PinSet? pinned = null;
        if (draft.Pins is { } pins && (pinned = LoadPins(pins)) is null)
        {
            return null;
        }

        return draft.Build(source, defaultVerdict, pinned);
    }

    private static bool CheckVersion(YamlWalker yaml, YamlNode node)
    {
        if (Scalar(node) is "1")
        {
            return true;
        }

        yaml.Error(node, "version", "must be 1");
        return false;
    }

    /// <summary>
    /// Reads the lock file named by <c>pins.file</c> through the loader's reader (the compiler itself does no I/O).
    /// </summary>
    private PinSet? LoadPins(PinSettings settings)
    {
        var loaded = readLockFile(settings.File);
        _yaml.Report(loaded.Errors);
        return loaded.Pins;
    }
}
