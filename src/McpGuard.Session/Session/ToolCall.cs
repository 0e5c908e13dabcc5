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
    // The last name's string again for the same bytes, as telemetry reads it (a new string per call before).
    private static readonly ToolNames s_names = new();

    public static bool TryRead(JsonElement parameters, out ToolCall call, [NotNullWhen(false)] out string? problem) =>
        TryRead(parameters, read: null, out call, out problem);

    /// <param name="read">The <c>name</c> member's string and the <c>arguments</c> member (undefined when absent)
    /// when they were already read from these parameters (telemetry reads them on arrival: <see
    /// cref="RequestSpans.Started"/>), so neither is looked up and made again; null to read them here. The arguments
    /// are still checked here.</param>
    public static bool TryRead(
        JsonElement parameters, ToolCall? read, out ToolCall call, [NotNullWhen(false)] out string? problem)
    {
        call = default;
        problem = null;
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            problem = "tools/call params must be an object";
            return false;
        }

        var toolName = read is { } known ? known.Name
            : parameters.TryGetProperty("name"u8, out var name) ? s_names.Of(name) : null;
        if (toolName is null)
        {
            problem = "tools/call params.name must be a string";
            return false;
        }

        var arguments = default(JsonElement);
        var hasArguments = read is { } given
            ? (arguments = given.Arguments).ValueKind != JsonValueKind.Undefined
            : parameters.TryGetProperty("arguments"u8, out arguments);
        if (hasArguments && arguments.ValueKind != JsonValueKind.Object)
        {
            problem = "tools/call params.arguments must be an object";
            return false;
        }

        call = new ToolCall(toolName, hasArguments ? arguments : default);
        return true;
    }
}
