using System.Text.Json.Nodes;

namespace McpGuard.Inventory;

/// <summary>
/// How a server answered one of the probe's requests: a result, a JSON-RPC error, or (a remote server) the guard's own
/// error because the server gave no answer. A closed set.
/// </summary>
internal abstract record ProbeAnswer
{
    private ProbeAnswer()
    {
    }

    /// <summary>The server's <c>result</c> (null when it sent <c>"result":null</c>).</summary>
    public sealed record Result(JsonNode? Value) : ProbeAnswer;

    /// <summary>The server answered with an error: it refused the request, and is still there.</summary>
    public sealed record Refused(int Code, string Message) : ProbeAnswer;

    /// <summary>
    /// The guard's own error for a request the remote server did not answer (<see cref="IUnansweredRequests"/>), told
    /// from the server's errors by the request: the server said nothing, so it refused nothing. <paramref name="Why"/>
    /// says why in words; <paramref name="Message"/> is the error's, which names the server.
    /// </summary>
    public sealed record Unanswered(string Why, string Message) : ProbeAnswer;
}
