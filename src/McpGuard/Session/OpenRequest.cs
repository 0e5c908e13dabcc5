using System.Diagnostics;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// One client request in flight, as <see cref="RequestSpans"/> sees it: its spans, and the decision's attributes,
/// kept here until the SERVER span ends so that a call decided twice (asked, then approved) carries its last decision
/// once.
/// </summary>
internal sealed class OpenRequest(string method, string? tool, long startedAt)
{
    public string Method => method;

    public string? Tool => tool;

    public long StartedAt => startedAt;

    /// <summary>The span name, <c>tools/call place_order</c>; set while spans are recorded.</summary>
    public string? Name { get; set; }

    /// <summary>The request id as JSON text (<c>"c1"</c>, <c>42</c>), the same string on both spans.</summary>
    public string? IdText { get; set; }

    public string? ProtocolVersion { get; set; }

    public Activity? Server { get; set; }

    public Activity? Client { get; set; }

    public string? Decision { get; set; }

    public string? Rule { get; set; }

    public string? Risk { get; set; }

    public string? Channel { get; set; }

    public int? Redactions { get; set; }

    /// <summary>The guard's own attributes (docs/telemetry.md), added once as the SERVER span ends.</summary>
    public void AddDecisionTags(Activity server)
    {
        AddIfSet(server, TelemetryNames.Decision, Decision);
        AddIfSet(server, TelemetryNames.Rule, Rule);
        AddIfSet(server, TelemetryNames.Risk, Risk);
        AddIfSet(server, TelemetryNames.ApprovalChannel, Channel);
        if (Redactions is { } redactions)
        {
            server.AddTag(TelemetryNames.Redactions, redactions);
        }
    }

    private static void AddIfSet(Activity span, string name, string? value)
    {
        if (value is not null)
        {
            span.AddTag(name, value);
        }
    }
}
