namespace McpGuard.Telemetry;

/// <summary>
/// Where answered requests' spans go (the OTLP <see cref="TraceExporter"/>, or a test's list), and the sampler that
/// decides, when a request arrives, whether it gets spans at all.
/// </summary>
internal interface ITraceSink
{
    TraceSampler Sampler { get; }

    /// <summary>
    /// Takes an answered request's spans and counts its duration (<c>mcp.server.operation.duration</c>); never blocks
    /// (a full queue drops the spans and counts the drop; the duration is counted all the same).
    /// </summary>
    void Add(RequestTrace trace);

    /// <summary>
    /// True when <see cref="Add"/> also counts the decision a record leaves uncounted (<see
    /// cref="RequestTrace.DecisionUncounted"/>); a sink that does not leaves every decision to the relay's threads.
    /// </summary>
    bool CountsDecisions => false;

    /// <summary>A record for a request that arrives now: a new one, or one whose spans were sent.</summary>
    RequestTrace Rent(string method, string? tool, long startedAt) => new(method, tool, startedAt);
}
