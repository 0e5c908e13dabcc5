namespace McpGuard.Tests.Architecture;

/// <summary>
/// Lines stay within 120 columns (docs/architecture.md). Older files still hold wider lines: each has an allowance in
/// eng/long-lines.txt that may only go down. A file over its allowance fails here with its wide lines; a file under
/// it fails too, so the allowance is lowered in the same change and the count can never creep back.
/// </summary>
public sealed class LineWidthTests
{
    private const int MaxColumns = 120;

    [Fact]
    public void No_file_has_more_wide_lines_than_its_allowance()
    {
        var root = RepositoryRoot();
        var allowances = ReadAllowances(Path.Combine(root, "eng", "long-lines.txt"));

        var problems = new List<string>();
        foreach (var file in SourceFiles(root))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            var wide = File.ReadLines(file).Select((text, index) => (Text: text, Line: index + 1))
                .Where(l => l.Text.Length > MaxColumns).ToList();
            var allowed = allowances.GetValueOrDefault(relative);
            if (wide.Count > allowed)
            {
                var lines = string.Join(", ", wide.Select(l => l.Line));
                problems.Add(
                    $"{relative}: {wide.Count} lines wider than {MaxColumns} columns,"
                        + $" allowed {allowed} (lines {lines})");
            }
            else if (wide.Count < allowed)
            {
                problems.Add(
                    $"{relative}: {wide.Count} wide lines now; lower "
                        + $"its allowance in eng/long-lines.txt to {wide.Count}");
            }
        }

        foreach (var gone in allowances.Keys.Where(k => !File.Exists(Path.Combine(root, k))))
        {
            problems.Add($"{gone}: no such file; remove it from eng/long-lines.txt");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static IEnumerable<string> SourceFiles(string root) =>
        new[] { "src", "tests", "bench", "samples" }
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(
                file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal);

    /// <summary>Lines of <c>COUNT PATH</c>; blank lines and <c>#</c> comments are skipped.</summary>
    private static Dictionary<string, int> ReadAllowances(string path) =>
        File.ReadLines(path)
            .Where(line => line.Trim() is { Length: > 0 } trimmed && !trimmed.StartsWith('#'))
            .Select(line => line.Trim().Split(' ', 2))
            .ToDictionary(
                parts => parts[1], parts => int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no McpGuard.sln above {AppContext.BaseDirectory}");
    }
}
