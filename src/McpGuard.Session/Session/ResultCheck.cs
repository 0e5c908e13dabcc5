using McpGuard.Redaction;

namespace McpGuard.Session;

/// <summary>
/// What <see cref="ResultStage"/> did with one answer: forward it, or forward <see cref="Replacement"/> instead.
/// </summary>
internal sealed record ResultCheck(FilteredResult Filtered, byte[]? Replacement, bool Monitor)
{
    public static readonly ResultCheck None = new(FilteredResult.Untouched.Instance, null, false);

    /// <summary>How the audit and the log name an outcome.</summary>
    public static string Word(FilteredResult filtered) => filtered switch
    {
        FilteredResult.Redacted => "redacted",
        FilteredResult.Blocked => "blocked",
        FilteredResult.TooLarge => "too_large",
        _ => "untouched",
    };
}
