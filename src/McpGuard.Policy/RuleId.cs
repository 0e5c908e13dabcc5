using McpGuard.Policy.Risk;

namespace McpGuard.Policy;

/// <summary>
/// Which part of the policy decided a call: a <see cref="RuleKind"/> and the one text the audit's <c>rule</c>,
/// <c>test</c>, <c>replay</c>, <c>explain</c> and the terminal write for it (docs/audit.md). Only this type spells
/// those words. The ids of entries and rules are built once, when the policy compiles; the others are constants,
/// so deciding a call builds no text.
/// </summary>
internal readonly record struct RuleId
{
    // One per class, indexed by its value: a class decides on every call that no entry decides.
    private static readonly RuleId[] s_risks =
    [
        .. Enum.GetValues<RiskClass>().Select(r => new RuleId(RuleKind.Risk, "risk." + RiskClassWords.Word(r))),
    ];

    private RuleId(RuleKind kind, string text)
    {
        Kind = kind;
        Text = text;
    }

    public RuleKind Kind { get; }

    /// <summary>The words: <c>tools.place_order.rules[0]</c>, <c>risk.write</c>, <c>default</c>, ...</summary>
    public string Text { get; }

    public static RuleId Default { get; } = new(RuleKind.Default, "default");

    public static RuleId Hide { get; } = new(RuleKind.Hide, "hide");

    public static RuleId Limits { get; } = new(RuleKind.Limits, "limits");

    public static RuleId Store { get; } = new(RuleKind.Store, "state");

    public static RuleId PinChanged { get; } = new(RuleKind.PinChanged, "pins.on_change");

    public static RuleId PinNew { get; } = new(RuleKind.PinNew, "pins.on_new");

    public static RuleId Approval { get; } = new(RuleKind.Approval, "approval");

    public static RuleId Sampling { get; } = new(RuleKind.Sampling, "sampling");

    public static RuleId Listing { get; } = new(RuleKind.Listing, "listing");

    /// <summary>A pin rule: <c>pins.on_change</c> or <c>pins.on_new</c>.</summary>
    public bool IsPin => Kind is RuleKind.PinChanged or RuleKind.PinNew;

    /// <summary>A <c>tools</c> entry, by its name or glob as written: <c>tools.place_order</c>.</summary>
    public static RuleId Entry(string pattern) => new(RuleKind.Entry, $"tools.{pattern}");

    /// <summary>The rule of <paramref name="entry"/> written at <paramref name="index"/> in its list.</summary>
    public static RuleId Rule(RuleId entry, int index) => new(RuleKind.Rule, $"{entry.Text}.rules[{index}]");

    /// <summary>The risk class that decided: <c>risk.read</c>.</summary>
    public static RuleId Risk(RiskClass risk) =>
        (int)risk >= 0 && (int)risk < s_risks.Length ? s_risks[(int)risk] : s_risks[(int)RiskClass.Unknown];

    /// <summary>True for a rule of <paramref name="entry"/> (<c>tools.place_order.rules[1]</c>).</summary>
    public bool IsRuleOf(RuleId entry) =>
        Kind == RuleKind.Rule && Text.Length > entry.Text.Length + 7
        && Text.StartsWith(entry.Text, StringComparison.Ordinal)
        && Text.AsSpan(entry.Text.Length).StartsWith(".rules[", StringComparison.Ordinal);

    public override string ToString() => Text;

    /// <summary>The words, where text is what is wanted: the audit record, a log line, an approval question.</summary>
    public static implicit operator string(RuleId id) => id.Text;
}
