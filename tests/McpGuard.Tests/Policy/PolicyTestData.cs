using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Compile;

namespace McpGuard.Tests.Policy;

internal static class PolicyTestData
{
    public static CompiledPolicy Load(string yaml)
    {
        var result = PolicyLoader.LoadText(yaml, "test.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy;
    }

    /// <summary>
    /// A policy of <c>version: 1</c>, <c>default: deny</c> and <paramref name="block"/> fails to load with one error,
    /// at <paramref name="path"/> on <paramref name="line"/>, that says <paramref name="message"/>.
    /// </summary>
    public static void AssertOneError(string block, string path, int line, string message)
    {
        var result = PolicyLoader.LoadText("version: 1\ndefault: deny\n" + block, "p.yaml");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    public static ToolRequest Call(string tool, string argumentsJson = "{}") =>
        new() { ToolName = tool, Arguments = JsonDocument.Parse(argumentsJson).RootElement.Clone() };
}
