using McpGuard.Policy.Proving;

namespace McpGuard.Tests.Policy.Proving;

internal static class ProvingTestData
{
    public static IReadOnlyList<PolicyCase> Cases(string yaml)
    {
        var result = CasesLoader.LoadText(yaml, "cases.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Cases;
    }

    public static IReadOnlyList<McpGuard.Policy.Yaml.PolicyError> Errors(string yaml)
    {
        var result = CasesLoader.LoadText(yaml, "cases.yaml");
        Assert.False(result.Succeeded, "the cases file was expected to be invalid");
        return result.Errors;
    }

    public static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "McpGuard.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        return root;
    }
}
