namespace McpGuard.Tests.Policy.Results;

/// <summary>
/// The corpus in Policy/Results/Corpus: per detector, samples it must find (NAME.true.txt) and samples from the shapes
/// read tools return that it must not (NAME.false.txt). Samples are separated by a line <c>%%</c>; lines starting with
/// <c># </c> are comments.
/// </summary>
internal static class DetectorCorpus
{
    public static IReadOnlyList<string> Read(string detector, bool positives)
    {
        var path = Path.Combine(
            AppContext.BaseDirectory, "Policy", "Results", "Corpus",
            $"{detector}.{(positives ? "true" : "false")}.txt");
        var lines = File.ReadAllLines(path).Where(l => !l.StartsWith("# ", StringComparison.Ordinal));
        return [.. string.Join("\n", lines).Split("\n%%\n").Select(s => s.Trim('\n')).Where(s => s.Length > 0)];
    }
}
