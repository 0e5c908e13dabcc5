using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;

namespace McpGuard.Session;

/// <summary>
/// What the gate decided for one tools/call: forward the judged bytes, answer the client instead, or hold the
/// call off the pump (to list the server's tools first, or to ask a person), or count its limits first. A closed
/// set: nothing else exists.
/// </summary>
internal abstract record GateOutcome
{
    private GateOutcome()
    {
    }

    /// <summary>Send the judged bytes to the server; its answer goes back unchanged.</summary>
    public sealed record Forward : GateOutcome
    {
        public static Forward Instance { get; } = new();
    }

    /// <summary>Answer the client with <paramref name="Message"/>; nothing reaches the server.</summary>
    public sealed record Reply(byte[] Message) : GateOutcome;

    /// <summary>The tool is not listed yet: the guard lists the server's tools itself, then decides.</summary>
    public sealed record ListFirst : GateOutcome
    {
        public static ListFirst Instance { get; } = new();
    }

    /// <summary>
    /// Held off the pump until its store answers: the held call forwards or answers it; nothing more here.
    /// </summary>
    public sealed record Held : GateOutcome
    {
        public static Held Instance { get; } = new();
    }

    /// <summary>
    /// The client withdrew the call (notifications/cancelled) while it was decided off the pump, before it could be
    /// forwarded: nothing is sent to anyone (the server had the cancellation already), and the record says so.
    /// </summary>
    public sealed record Withdrawn : GateOutcome
    {
        public static Withdrawn Instance { get; } = new();
    }

    /// <summary>A person must decide first (nothing is recorded yet).</summary>
    public sealed record Ask(CallDecision.Ask Decision) : GateOutcome;

    /// <summary>
    /// The policy lets the call through: its limits are counted next (nothing is recorded yet). A call without
    /// limits, or counted in memory, is concluded at once; one whose store does not answer at once is held off
    /// the pump meanwhile, so a slow store never stalls other traffic.
    /// </summary>
    public sealed record Count(CallDecision.Allow Decision) : GateOutcome
    {
        /// <summary>
        /// An approved call's arguments hash (see <see cref="ForwardedCall"/>), kept for when it is forwarded.
        /// </summary>
        public string? ApprovedArgumentsHash { get; init; }
    }
}
