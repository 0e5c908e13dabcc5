namespace McpGuard.Policy.Decide;

/// <summary>
/// The decision for one call (<see cref="CallDecider"/>), a closed set. Each carries the call as the policy saw
/// it (<see cref="Request"/>, with its class) and what is recorded (<see cref="Verdict"/>, <see cref="RuleId"/>).
/// Limits are not counted here: an <see cref="Allow"/> is counted next, by whoever forwards it.
/// </summary>
internal abstract record CallDecision
{
    private CallDecision()
    {
    }

    public required ToolRequest Request { get; init; }

    public abstract CallVerdict Verdict { get; }

    /// <summary>
    /// The part of the policy that decided (<c>tools.place_order.rules[0]</c>, <c>hide</c>, ...); null for an unlisted
    /// name.
    /// </summary>
    public abstract RuleId? RuleId { get; }

    /// <summary>The server did not list the tool yet: list its tools first, then decide again.</summary>
    public sealed record ListFirst : CallDecision
    {
        public override CallVerdict Verdict => CallVerdict.UnknownTool;

        public override RuleId? RuleId => null;
    }

    /// <summary>
    /// Answered "Unknown tool": <see cref="CallVerdict.Hidden"/> (with the policy's or a pin's decision, which
    /// says which) or <see cref="CallVerdict.UnknownTool"/> (the server did not list it; no decision).
    /// </summary>
    public sealed record Unknown(CallVerdict Why, PolicyDecision? Decision) : CallDecision
    {
        public override CallVerdict Verdict => Why;

        public override RuleId? RuleId => Decision?.RuleId;

        /// <summary>
        /// Hidden by a pin rather than by the policy's hide: the record names the pin rule (docs/pins.md).
        /// </summary>
        public bool ByPin => Decision is { RuleId.Kind: not RuleKind.Hide };
    }

    /// <summary>
    /// Denied (<see cref="CallVerdict.Deny"/>) or refused by a person (<see cref="CallVerdict.Refused"/>).
    /// </summary>
    public sealed record Refuse(PolicyDecision Decision, CallVerdict Why) : CallDecision
    {
        public override CallVerdict Verdict => Why;

        public override RuleId? RuleId => Decision.RuleId;
    }

    /// <summary>A person must decide; decide again with their <see cref="CallFacts.Answer"/>.</summary>
    public sealed record Ask(PolicyDecision Decision) : CallDecision
    {
        public override CallVerdict Verdict => CallVerdict.RequireApproval;

        public override RuleId? RuleId => Decision.RuleId;
    }

    /// <summary>
    /// Allowed (<see cref="CallVerdict.Allow"/>) or approved (<see cref="CallVerdict.Approved"/>): count, then forward.
    /// </summary>
    public sealed record Allow(PolicyDecision Decision, CallVerdict Why) : CallDecision
    {
        public override CallVerdict Verdict => Why;

        public override RuleId? RuleId => Decision.RuleId;
    }
}
