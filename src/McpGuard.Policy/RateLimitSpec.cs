namespace McpGuard.Policy;

/// <summary>At most <see cref="Max"/> calls forwarded in any sliding <see cref="Window"/>.</summary>
internal sealed record RateLimitSpec(int Max, TimeSpan Window)
{
    public override string ToString() => $"{Max} per {Duration.Format(Window)}";

    /// <summary>The global limit's counter key, built once: it is looked up on every forwarded call.</summary>
    internal string LedgerKey => field ??= LimitLedger.GlobalRateKey(this);
}
