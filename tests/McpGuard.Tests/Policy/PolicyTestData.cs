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

    public static ToolRequest Call(string tool, string argumentsJson = "{}") =>
        new() { ToolName = tool, Arguments = JsonDocument.Parse(argumentsJson).RootElement.Clone() };
}
