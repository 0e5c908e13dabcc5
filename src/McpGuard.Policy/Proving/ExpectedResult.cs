using McpGuard.Policy.Results;

namespace McpGuard.Policy.Proving;

/// <summary>
/// <c>expect_result:</c> a sample of the tool's answer text and what the policy's result rules must do with it
/// (docs/results.md#proving-result-rules): redact with exactly these detectors (none: pass it untouched), or block.
/// </summary>
internal sealed record ExpectedResult
{
    public required string Sample { get; init; }

    /// <summary>The detectors that must redact something, and no other; empty: nothing may be redacted.</summary>
    public IReadOnlyList<string> Redacted { get; init; } = [];

    /// <summary>The detector that must block the answer, if the case expects a block.</summary>
    public string? Blocked { get; init; }

    /// <summary>What the rules did with the sample, in the words a failure shows; null when as expected.</summary>
    public string? Mismatch(ResultRules rules)
    {
        var scanner = rules.StartScan();
        var actual = scanner.Scan(Sample) switch
        {
            TextVerdict.Blocked blocked => $"blocked by {blocked.Detector}",
            TextVerdict.Redacted =>
                $"redacted by {string.Join(", ", scanner.Counts.Keys.Order(StringComparer.Ordinal))}",
            _ => "untouched",
        };
        return actual == Describe() ? null : actual;
    }

    /// <summary>What the case expects, in the same words as <see cref="Mismatch"/>.</summary>
    public string Describe() => Blocked is { } blocked ? $"blocked by {blocked}"
        : Redacted.Count == 0 ? "untouched"
        : $"redacted by {string.Join(", ", Redacted.Order(StringComparer.Ordinal))}";
}
