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
    /// Ordinal equality without hashing: the cache check of <see cref="MetricTable"/>. Labels mostly are the same
    /// instance, checked here without a call (the native build does not inline <c>string.Equals</c>); else ordinal.
    /// </summary>
    public bool Matches(in LabelValues other) =>
        Same(First, other.First) && Same(Second, other.Second) && Same(Third, other.Third);

    private static bool Same(string? a, string? b) => ReferenceEquals(a, b) || string.Equals(a, b);
}
