using System.Text.RegularExpressions;

namespace McpGuard.EndToEndTests.Conformance;

/// <summary>
/// What one run of the conformance suite printed in its summary: per scenario, its passed and failed checks
/// (<c>✓ tools-list: 1 passed, 0 failed</c>). A scenario passes when none of its checks failed.
/// </summary>
internal sealed partial record ConformanceScore(IReadOnlyDictionary<string, (int Passed, int Failed)> Scenarios)
{
    public IEnumerable<string> Passing => Scenarios.Where(s => s.Value.Failed == 0).Select(s => s.Key).Order();

    public IEnumerable<string> Failing => Scenarios.Where(s => s.Value.Failed > 0).Select(s => s.Key).Order();

    public bool Passes(string scenario) => Scenarios.TryGetValue(scenario, out var checks) && checks.Failed == 0;

    /// <summary>A run of one scenario prints only its own total (<c>Passed: 5/5, 0 failed, 0 warnings</c>).</summary>
    public static ConformanceScore ParseSingle(string scenario, string output) =>
        SingleTotal().Match(output) is { Success: true } total
            ? new ConformanceScore(new Dictionary<string, (int, int)>
            {
                [scenario] = (int.Parse(total.Groups["passed"].Value), int.Parse(total.Groups["failed"].Value)),
            })
            : throw new InvalidOperationException($"The conformance suite printed no result for {scenario}:\n{output}");

    public static ConformanceScore Parse(string output)
    {
        var scenarios = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (Match line in SummaryLine().Matches(output))
        {
            var checks = (int.Parse(line.Groups["passed"].Value), int.Parse(line.Groups["failed"].Value));
            scenarios[line.Groups["name"].Value] = checks;
        }

        return scenarios.Count > 0
            ? new ConformanceScore(scenarios)
            : throw new InvalidOperationException($"The conformance suite printed no summary:\n{output}");
    }

    /// <summary>This score with the given scenarios' results replaced by those of a later run.</summary>
    public ConformanceScore With(ConformanceScore rerun) =>
        new(Scenarios.Concat(rerun.Scenarios).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    public override string ToString() =>
        string.Join(
            ", ", Scenarios.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value.Passed}/{s.Value.Failed}"));

    [GeneratedRegex(
        @"^[✓✗] (?<name>[\w./-]+): (?<passed>\d+) passed, (?<failed>\d+) failed$", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^Passed: (?<passed>\d+)/\d+, (?<failed>\d+) failed", RegexOptions.Multiline)]
    private static partial Regex SingleTotal();
}
