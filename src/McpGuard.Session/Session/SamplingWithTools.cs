using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// A server asking the client's model to pick tools (<c>sampling/createMessage</c> with <c>tools</c>): the model's
/// <c>tool_use</c> answer makes the server run tools, so the guard refuses the request, or, under
/// <c>sampling: { tools: judge }</c>, judges every pick (docs/relay.md#tasks-and-sampling-with-tools).
/// </summary>
internal static class SamplingWithTools
{
    /// <summary>Outside the range the spec reserves (-32020..-32099): a code of the guard's own.</summary>
    public const int RefusedCode = -32001;

    /// <summary>
    /// The method name, written out: the SDK marks its constant obsolete (MCP9005) because the 2026-07-28 era has no
    /// such wire request, but it is still the method of 2025-era requests and of embedded input requests.
    /// </summary>
    public const string Method = "sampling/createMessage";

    /// <summary>Sampling params that offer the model at least one tool.</summary>
    public static bool OffersTools(JsonElement parameters) =>
        parameters.ValueKind == JsonValueKind.Object
        && parameters.TryGetProperty("tools"u8, out var tools)
        && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;

    /// <summary>
    /// An <c>input_required</c> result one of whose input requests is sampling with tools (2026-07-28 era).
    /// </summary>
    public static bool AmongInputRequests(JsonElement result)
    {
        if (!result.TryGetProperty("inputRequests"u8, out var requests) || requests.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var request in requests.EnumerateObject())
        {
            if (request.Value.ValueKind == JsonValueKind.Object
                && request.Value.TryGetProperty("method"u8, out var method) && method.ValueKind == JsonValueKind.String
                && method.ValueEquals(Method)
                && request.Value.TryGetProperty("params"u8, out var parameters) && OffersTools(parameters))
            {
                return true;
            }
        }

        return false;
    }
}
