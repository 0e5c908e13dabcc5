namespace McpGuard.Http;

/// <summary>Whether the gateway can serve a call now (<c>GET /readyz</c>). A closed set.</summary>
internal abstract record ReadinessOutcome
{
    private ReadinessOutcome()
    {
    }

    public static ReadinessOutcome Yes { get; } = new Ready();

    /// <summary>It can.</summary>
    public sealed record Ready : ReadinessOutcome;

    /// <summary>It cannot; <paramref name="Why"/> is for the operator's stderr, never for the probe's answer.</summary>
    public sealed record NotReady(string Why) : ReadinessOutcome;
}
