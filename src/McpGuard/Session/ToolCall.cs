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
    public static bool TryRead(JsonElement parameters, out ToolCall call, [NotNullWhen(false)] out string? problem) =>
        TryRead(parameters, knownName: null, out call, out problem);

    /// <param name="knownName">The <c>name</c> member's string when it was already read from these parameters
    /// (telemetry reads it on arrival: <see cref="PendingRequest.Trace"/>), so it is not looked up and made again;
    /// null to read it here.</param>
    public static bool TryRead(
        JsonElement parameters, string? knownName, out ToolCall call, [NotNullWhen(false)] out string? problem)
    {
        call = default;
        problem = null;
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            problem = "tools/call params must be an object";
            return false;
        }

        var toolName = knownName
            ?? (parameters.TryGetProperty("name"u8, out var name) ? JsonText.TryGetString(name) : null);
        if (toolName is null)
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
