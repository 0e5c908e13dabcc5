using McpGuard.Policy.Limits;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Results;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Tools;

namespace McpGuard.Policy.Compile;

/// <summary>
/// What the sections of one policy file have read so far: the values a policy that leaves a section out gets, until
/// its parser fills them. Only a policy whose every section read cleanly becomes a <see cref="CompiledPolicy"/>.
/// </summary>
internal sealed class PolicyDraft
{
    public Verdict? Default { get; set; }

    public List<Glob> Hide { get; set; } = [];

    public List<ToolEntry> Entries { get; set; } = [];

    public RiskSection Risk { get; set; } = RiskSection.Empty;

    public RateLimitSpec? GlobalRateLimit { get; set; }

    public ApprovalSettings Approval { get; set; } = ApprovalSettings.Default;

    public AuditSettings Audit { get; set; } = AuditSettings.Default;

    public PinSettings? Pins { get; set; }

    public StateSettings State { get; set; } = StateSettings.Default;

    public SamplingTools Sampling { get; set; } = SamplingTools.Refuse;

    public TelemetrySettings Telemetry { get; set; } = TelemetrySettings.Off;

    public ResultRules Results { get; set; } = ResultRules.None;

    public ServeSettings Serve { get; set; } = ServeSettings.Default;

    /// <param name="pinned">The lock file's pins, read once the rest of the policy is valid; null without pins.</param>
    public CompiledPolicy Build(string source, Verdict defaultVerdict, PinSet? pinned)
    {
        // An entry's result rules add to the global ones: combined once here, not per answer.
        var entries = Entries.Select(e => e.Results.IsEmpty ? e : e with { Results = Results.With(e.Results) });
        return new CompiledPolicy(source, defaultVerdict, Hide, entries)
        {
            Results = Results,
            RiskVerdicts = Risk.Verdicts,
            HiddenRiskClasses = Risk.Hidden,
            RiskOverrides = Risk.Overrides,
            Catalogue = Risk.Catalogue,
            GlobalRateLimit = GlobalRateLimit,
            Approval = Approval,
            Audit = Audit,
            Pins = Pins,
            PinnedTools = pinned,
            State = State,
            SamplingTools = Sampling,
            Serve = Serve,
            Telemetry = Telemetry,
        };
    }
}
