using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;

namespace McpGuard.Policy.Decide;

/// <summary>
/// What the session knows of the tool a call names: listed by the server (with the class it got under this
/// policy and this server, and how it compares with its pin), not listed, or, for a proof without a server
/// (<c>explain</c>, <c>test</c>, <c>replay</c>), assumed to be listed.
/// </summary>
internal abstract record ToolSight
{
    private ToolSight()
    {
    }

    /// <summary>The server listed it in this session.</summary>
    public sealed record Listed(RiskClass Risk, PinDrift Drift) : ToolSight
    {
        private const int Drifts = 3;

        private static readonly Listed[] s_all =
        [
            .. Enum.GetValues<RiskClass>().SelectMany(r => Enum.GetValues<PinDrift>().Select(d => new Listed(r, d))),
        ];

        /// <summary>
        /// A shared instance (classes and drifts are small contiguous enums): a listed call allocates none.
        /// </summary>
        public static Listed Of(RiskClass risk, PinDrift drift) => s_all[((int)risk * Drifts) + (int)drift];
    }

    /// <summary>
    /// The server did not list it (yet): <paramref name="ListComplete"/> says whether the list is whole.
    /// </summary>
    public sealed record NotListed(bool ListComplete) : ToolSight
    {
        public static NotListed Complete { get; } = new(true);

        public static NotListed Incomplete { get; } = new(false);
    }

    /// <summary>
    /// No server: any name is a tool the server lists, with no annotations. Its class is <paramref name="Risk"/>
    /// when one is known (a recorded call), else its name's under the server's name; its pin drift is
    /// <paramref name="Drift"/> (a replayed call that a pin decided when it was recorded), else none.
    /// </summary>
    public sealed record Assumed(RiskClass? Risk = null, PinDrift Drift = PinDrift.None) : ToolSight
    {
        public static Assumed ByName { get; } = new();
    }
}
