using System.Text.RegularExpressions;

namespace McpGuard.Tests.Architecture;

/// <summary>
/// A command's own error or note starts <c>mcpguard: </c>, whichever command wrote it (README.md's CLI section):
/// nine commands once said <c>mcpguard wrap: </c>, <c>mcpguard init: </c> and so on, and a script or a
/// reader looking for the tool's own lines had two shapes to match. The source and the docs that quote the lines
/// are read for the other shape.
/// </summary>
public sealed partial class ErrorPrefixTests
{
    [Fact]
    public void No_line_starts_with_a_command_named_after_mcpguard()
    {
        var root = RepositoryRoot();
        var files = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Append(Path.Combine(root, "README.md"));

        var found = files
            .SelectMany(file => File.ReadLines(file).Select((text, index) => (File: file, Text: text, Line: index + 1)))
            .Where(line => CommandPrefix().IsMatch(line.Text))
            .Select(line => $"{Path.GetRelativePath(root, line.File)}:{line.Line}: {line.Text.Trim()}")
            .ToList();

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary><c>mcpguard wrap: </c>, <c>mcpguard {command}: </c>: a word between the tool's name and the colon.
    /// </summary>
    [GeneratedRegex(@"mcpguard [a-z{}-]+: ")]
    private static partial Regex CommandPrefix();

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "McpGuard.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("McpGuard.sln not found above the tests");
    }
}
