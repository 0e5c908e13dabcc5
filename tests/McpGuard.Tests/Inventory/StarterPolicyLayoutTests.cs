using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Tests.Cli;
using McpGuard.Tests.Policy.Proving;
using McpGuard.Tests.TestUtils;
using static System.StringComparison;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// The starter policy is the first file a user reads: its comments beside values start in one column, and its lines
/// (the class lists of 36 Bybit tools included) fit the width. The catalogue line and the approval timeout used to
/// put their comments a column or two off the others', and the read class was one line of 700 characters.
/// </summary>
public sealed class StarterPolicyLayoutTests
{
    /// <summary>The comment column of samples/bybit/policy.yaml (from 0), and a width that reads on any screen.
    /// </summary>
    private const int CommentColumn = 34;
    private const int Width = 100;

    [Theory]
    [InlineData("bybit-mcp")]
    [InlineData("some-server")]
    public async Task Init_StarterPolicy_CommentsInOneColumnAndLinesWithinTheWidth(string serverName)
    {
        var fixture = Path.Combine(ProvingTestData.RepositoryRoot(), "samples", "bybit", "bybit-tools.json");
        using var listing = JsonDocument.Parse(
            await File.ReadAllTextAsync(fixture, TestContext.Current.CancellationToken));
        await using var server = ScriptedServer.Listing(
            listing.RootElement.GetProperty("tools").GetRawText(), serverName);

        // (stderr may say the server is being waited for: a loaded machine takes more than 2 s)
        var (exitCode, output, _) = await CommandRunner.RunAsync(InitCommand.Create(server.Connector), "--", "x");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("# The server's tools by class", output, Ordinal);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= Width, $"{line.Length}: {line}"));

        // A comment beside a value, or the next line of one, starts in the comment column.
        var besideValues = lines.Where(line => line.Length > 0 && line[0] != '#' && line.Contains('#')).ToList();
        Assert.True(besideValues.Count >= 6, string.Join('\n', besideValues));
        Assert.All(besideValues, line => Assert.Equal(CommentColumn, line.IndexOf(" # ", Ordinal) + 1));

        // Every tool is named once, and the list of a class goes on with its names under the first one's.
        var header = Array.FindIndex(lines, line => line.StartsWith("# The server's tools by class", Ordinal));
        var named = new List<string>();
        var column = 0;
        foreach (var line in lines.Skip(header + 1).TakeWhile(line => line.Length > 0))
        {
            var head = line.IndexOf("): ", Ordinal);
            column = head > 0 ? head + 3 : column;
            Assert.True(line.Length > column && line[column - 1] == ' ' && line[column] != ' ', line);
            named.AddRange(line[column..].Split(',').Select(name => name.Trim()).Where(name => name.Length > 0));
        }

        Assert.Equal(36, named.Count);
        Assert.Equal(36, named.Distinct().Count());
    }
}
