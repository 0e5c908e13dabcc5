using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpGuard.Policy.Json;

namespace McpGuard.Session;

/// <summary>
/// The parts of a tools/call request the guard judges. Anything else is invalid params
/// (docs/relay.md#client--server-strict-checks).
/// </summary>
internal readonly record struct ToolCall(string Name, JsonElement Arguments)
{
    public static bool TryRead(JsonElement parameters, out ToolCall call, [NotNullWhen(false)] out string? problem)
    {
        call = default;
        problem = null;
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            problem = "tools/call params must be an object";
            return false;
        }

        if (!parameters.TryGetProperty("name"u8, out var name) || JsonText.TryGetString(name) is not { } toolName)
        {
            problem = "tools/call params.name must be a string";
            return false;
        }

        var hasArguments = parameters.TryGetProperty("arguments"u8, out var arguments);
        if (hasArguments && arguments.ValueKind != JsonValueKind.Object)
        {
            problem = "tools/call params.arguments must be an object";
            return false;
        }

        call = new ToolCall(toolName, hasArguments ? arguments : default);
        return true;
    }
}
