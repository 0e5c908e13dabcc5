using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// A connection through the guard's own client of a remote server (<c>--url</c>), which tells the guard's own error
/// for a request the server did not answer from the server's own errors: by the request, never by the error's text.
/// </summary>
internal interface IUnansweredRequests
{
    /// <summary>Why the server did not answer request <paramref name="id"/> (a string id); null: it answered.</summary>
    string? WhyUnanswered(RequestId id);
}
