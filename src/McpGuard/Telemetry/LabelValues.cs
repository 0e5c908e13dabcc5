namespace McpGuard.Telemetry;

/// <summary>
/// One series' label values, in its instrument's declared label order (<see cref="MetricInstrument.Labels"/>); an
/// instrument has at most three labels, and a null value is a label the series does not carry.
/// </summary>
internal readonly record struct LabelValues(string? First, string? Second, string? Third)
{
    public string? this[int index] => index switch
    {
        0 => First,
        1 => Second,
        _ => Third,
    };

    /// <summary>
    /// Ordinal equality without hashing: the cache check of <see cref="MetricTable"/>. <c>string.Equals(a, b)</c> is
    /// ordinal and checks for the same instance before the characters (labels mostly are the same instance).
    /// </summary>
    public bool Matches(in LabelValues other) =>
        string.Equals(First, other.First) && string.Equals(Second, other.Second) && string.Equals(Third, other.Third);
}
