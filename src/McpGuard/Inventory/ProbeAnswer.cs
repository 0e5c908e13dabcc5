using System.Text.Json.Nodes;

namespace McpGuard.Inventory;

/// <summary>How a server answered one of the probe's requests: a result, or a JSON-RPC error. A closed set.</summary>
internal abstract record ProbeAnswer
{
    private ProbeAnswer()
    {
    }

    /// <summary>The server's <c>result</c> (null when it sent <c>"result":null</c>).</summary>
    public sealed record Result(JsonNode? Value) : ProbeAnswer;

    /// <summary>The server answered with an error: it refused the request, and is still there.</summary>
    public sealed record Refused(int Code, string Message) : ProbeAnswer;
}
