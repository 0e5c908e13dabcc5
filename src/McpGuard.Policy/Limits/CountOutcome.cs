namespace McpGuard.Policy.Limits;

/// <summary>
/// What a store answers for one decision: counted in every demanded counter, refused by one, or unavailable.
/// </summary>
internal abstract record CountOutcome
{
    private CountOutcome()
    {
    }

    /// <summary>Every demand fitted and was counted.</summary>
    public sealed record Counted(CountReceipt Receipt) : CountOutcome;

    /// <summary>
    /// The demand at <paramref name="Index"/> did not fit; nothing was counted. It fits again after <paramref
    /// name="RetryAfter"/>.
    /// </summary>
    public sealed record Refused(int Index, TimeSpan RetryAfter) : CountOutcome;

    /// <summary>The store could not be reached or did not answer in time; nothing is known to be counted.</summary>
    public sealed record Unavailable(string Why) : CountOutcome;

    /// <summary>
    /// Every demand fits right now (<see cref="ICounterStore.CheckAsync"/> only): nothing was counted, and a count
    /// made later may still be refused.
    /// </summary>
    public sealed record Fits : CountOutcome
    {
        public static Fits Instance { get; } = new();
    }
}
