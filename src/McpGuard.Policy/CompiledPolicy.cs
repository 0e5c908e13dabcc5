using McpGuard.Policy.Limits;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Tools;

namespace McpGuard.Policy;

/// <summary>A validated, immutable policy. Only <see cref="PolicyLoader"/> builds one.</summary>
internal sealed class CompiledPolicy
{
    private readonly Dictionary<string, ToolEntry> _exact;
    private readonly ToolEntry[] _globs;

    internal CompiledPolicy(
        string source, Verdict defaultVerdict, IReadOnlyList<Glob> hide, IEnumerable<ToolEntry> entries)
    {
        Source = source;
        Default = defaultVerdict;
        Hide = hide;
        Entries = [.. entries];
        _exact = Entries.Where(e => e.Pattern.IsLiteral).ToDictionary(e => e.Pattern.Pattern, StringComparer.Ordinal);
        _globs = [.. Entries.Where(e => !e.Pattern.IsLiteral).OrderByDescending(e => e.Pattern.Specificity)];
    }

    /// <summary>Where the policy came from (a file path), for messages.</summary>
    public string Source { get; }

    public Verdict Default { get; }

    public IReadOnlyList<Glob> Hide { get; }

    public IReadOnlyList<ToolEntry> Entries { get; }

    /// <summary>Decisions per risk class (<c>risk:</c>); empty when the policy has no risk section.</summary>
    public IReadOnlyDictionary<RiskClass, Verdict> RiskVerdicts { get; init; } = new Dictionary<RiskClass, Verdict>();

    /// <summary>Risk classes whose tools are hidden (<c>risk: { critical: hide }</c>).</summary>
    public IReadOnlySet<RiskClass> HiddenRiskClasses { get; init; } = new HashSet<RiskClass>();

    /// <summary>
    /// Classes the policy sets for named tools itself (<c>risk: { classes: { my_tool: write } }</c>).
    /// </summary>
    public IReadOnlyDictionary<string, RiskClass> RiskOverrides { get; init; } = new Dictionary<string, RiskClass>();

    /// <summary><c>limits.rate_limit</c>: calls forwarded across all tools.</summary>
    public RateLimitSpec? GlobalRateLimit { get; init; }

    public ApprovalSettings Approval { get; init; } = ApprovalSettings.Default;

    public AuditSettings Audit { get; init; } = AuditSettings.Default;

    /// <summary>The <c>pins:</c> block; null when the policy pins nothing.</summary>
    public PinSettings? Pins { get; init; }

    /// <summary>
    /// The lock file's pins, read with this version of the policy; set exactly when <see cref="Pins"/> is.
    /// </summary>
    public PinSet? PinnedTools { get; init; }

    /// <summary>
    /// How a listed tool compares with the lock file (<see cref="PinDrift.None"/> when nothing is pinned).
    /// </summary>
    public PinDrift CheckPin(PinnedTool listed) => PinnedTools?.Check(listed) ?? PinDrift.None;

    /// <summary>The <c>state</c> block: where limit and budget counters live.</summary>
    public StateSettings State { get; init; } = StateSettings.Default;

    /// <summary>
    /// <c>sampling.tools</c>: refuse (the default) or judge the tools a server asks the client's model to pick.
    /// </summary>
    public SamplingTools SamplingTools { get; init; } = SamplingTools.Refuse;

    /// <summary>The <c>serve</c> block: how <c>mcpguard serve</c> listens (read by that command only).</summary>
    public ServeSettings Serve { get; init; } = ServeSettings.Default;

    /// <summary>The <c>telemetry:</c> block: OTLP export, Prometheus scrape, argument values on spans.</summary>
    public TelemetrySettings Telemetry { get; init; } = TelemetrySettings.Off;

    /// <summary>The global <c>results</c> rules: what every answer that reaches the model goes through.</summary>
    public Results.ResultRules Results { get; init; } = McpGuard.Policy.Results.ResultRules.None;

    /// <summary>
    /// True when any answer must go through result rules (globally or for some entry); read per answer.
    /// </summary>
    public bool HasResultRules => _hasResultRules ??= !Results.IsEmpty || Entries.Any(e => !e.Results.IsEmpty);

    private bool? _hasResultRules;

    /// <summary>
    /// The result rules for a tool's answers: its entry's (global ones included), else the global ones.
    /// </summary>
    public Results.ResultRules ResultRulesFor(string toolName) =>
        FindEntry(toolName)?.Results is { IsEmpty: false } own ? own : Results;

    /// <summary>
    /// The namespace of this policy's counters: <c>state.namespace</c>, else the policy file's absolute path.
    /// </summary>
    public string CounterNamespace => field ??= State.Namespace ?? System.IO.Path.GetFullPath(Source);

    /// <summary>The rate limits every call counts alike, planned once (see <see cref="Policy.FixedRates"/>).</summary>
    internal FixedRates FixedRates => field ??= new FixedRates(this);

    /// <summary>The budget counters every call counts in alike (see <see cref="Policy.FixedBudgets"/>).</summary>
    internal FixedBudgets FixedBudgets => field ??= new FixedBudgets(this);

    /// <summary>Hidden by name: the <c>hide</c> list alone, which needs no risk class.</summary>
    /// <remarks>A plain loop: every call asks twice, and a lambda over the list allocated a closure, a delegate and an
    /// enumerator each time (bench/HISTORY.md, issue 27, seventh session).</remarks>
    public bool IsHidden(string toolName)
    {
        var hide = Hide;
        for (var i = 0; i < hide.Count; i++)
        {
            if (hide[i].IsMatch(toolName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hidden by name, or because the tool's class is hidden (<c>risk: { critical: hide }</c>).</summary>
    public bool IsHidden(string toolName, RiskClass risk) => IsHidden(toolName) || HiddenRiskClasses.Contains(risk);

    /// <summary>
    /// What hides the tool: <c>hide</c> when its name is listed there (it comes first), else its class
    /// (<c>risk.critical</c>) when that class is hidden; null when the policy does not hide it.
    /// </summary>
    public RuleId? HiddenBy(string toolName, RiskClass risk) =>
        IsHidden(toolName) ? RuleId.Hide
        : HiddenRiskClasses.Contains(risk) ? RuleId.Risk(risk)
        : null;

    /// <summary>
    /// Hidden by the policy, or by <c>pins.on_change</c> / <c>pins.on_new</c> for a tool that does not match its pin.
    /// </summary>
    public bool IsHidden(string toolName, RiskClass risk, PinDrift drift) =>
        IsHidden(toolName, risk)
        || (Pins is { } pins && drift != PinDrift.None && pins.ActionFor(drift) == PinAction.Hide);

    /// <summary>
    /// The tool's class: the policy's own <c>risk.classes</c>, else the classifier. Nothing is cached here: the
    /// relay keeps the class with each tool the server listed, so names a client makes up cost no memory.
    /// </summary>
    /// <param name="serverName">The server's self-reported name, which picks its vendor catalogue (<see
    /// cref="Catalogue"/>).</param>
    public RiskClass Classify(string toolName, ToolHints? hints, string? serverName) =>
        RiskOverrides.TryGetValue(toolName, out var set)
            ? set
            : RiskClassifier.Classify(toolName, hints, Catalogue.For(serverName));

    /// <summary>
    /// The class of a call's tool: the one the relay kept for the listed tool, else from its name alone.
    /// </summary>
    public RiskClass Classify(ToolRequest request) =>
        RiskOverrides.TryGetValue(request.ToolName, out var set)
            ? set
            : request.Risk ?? RiskClassifier.Classify(request.ToolName, null, Catalogue.For(null));

    /// <summary><c>risk.catalogue</c>: which vendor catalogue classifies the server's tools.</summary>
    internal CatalogueChoice Catalogue { get; init; } = CatalogueChoice.ByServerName.Instance;

    /// <summary>The entry for a tool: the exact one, else the most specific matching glob; null if none.</summary>
    /// <remarks>Two equally specific overlapping globs are refused at load, so the first match here is the only
    /// one.</remarks>
    public ToolEntry? FindEntry(string toolName)
    {
        if (_exact.TryGetValue(toolName, out var exact))
        {
            return exact;
        }

        foreach (var entry in _globs)
        {
            if (entry.Pattern.IsMatch(toolName))
            {
                return entry;
            }
        }

        return null;
    }
}
