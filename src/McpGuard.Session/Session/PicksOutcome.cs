namespace McpGuard.Session;

/// <summary>What the gate decided for the tools a client's model picked in one sampling answer. A closed set.</summary>
internal abstract record PicksOutcome
{
    private PicksOutcome()
    {
    }

    /// <summary>Every pick may run (or the guard runs with --monitor): the answer goes on unchanged.</summary>
    public sealed record Allowed : PicksOutcome
    {
        public static Allowed Instance { get; } = new();
    }

    /// <summary>At least one pick may not run: the server never gets the answer that carries it.</summary>
    public sealed record Refused(string Reason) : PicksOutcome;
}
