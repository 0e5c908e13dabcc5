using CsCheck;
using McpGuard.Policy.Proving;
using static McpGuard.Tests.Policy.Proving.ProvingTestData;

namespace McpGuard.Tests.Policy.Proving;

/// <summary>
/// A cases file is edited by hand, like a policy: whatever a slip makes of it gives errors, never exceptions.
/// </summary>
public sealed class CasesPropertyTests
{
    private static readonly string s_sample = File.ReadAllText(
        Path.Combine(RepositoryRoot(), "samples", "bybit", "policy.cases.yaml"));

    [Fact]
    public void LoadText_OneCharacterChangedInTheSampleCases_NeverThrows()
    {
        Gen.Select(Gen.Int[0, s_sample.Length - 1], Gen.Char).Sample((position, c) =>
        {
            LoadsOrReports(s_sample.Remove(position, 1).Insert(position, c.ToString()));
        }, iter: 1000);
    }

    [Fact]
    public void LoadText_YamlSyntaxInsertedOrDeletedInTheSampleCases_NeverThrows()
    {
        string[] fragments = [
            "&a ", "*a", "!!str ", "!!int ", "<<: *a\n", "? ", ": ", "- ", "|\n", ">-\n", "[", "]", "{", "}", ",", "#",
            "'", "\"", "\t", "\n  ", "~", "null", "\n---\n", "\ud83d\ude00"];
        Gen.Select(Gen.Int[0, s_sample.Length - 1], Gen.Int[0, 8], Gen.Int[0, fragments.Length - 1])
            .Sample((position, deleted, fragment) =>
        {
            LoadsOrReports(
                s_sample.Remove(position, Math.Min(deleted, s_sample.Length - position))
                    .Insert(position, fragments[fragment]));
        }, iter: 1000);
    }

    private static void LoadsOrReports(string text)
    {
        var result = CasesLoader.LoadText(text, "cases.yaml");
        Assert.True(
            result.Succeeded ? result.Cases.Count > 0 : result.Errors.All(e => e.Line >= 1 && e.Message.Length > 0),
            string.Join("\n", result.Errors));
    }
}
