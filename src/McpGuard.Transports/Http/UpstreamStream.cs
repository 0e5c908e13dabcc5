using McpGuard.Session;

namespace McpGuard.Http;

/// <summary>
/// The request whose upstream answer stream carried the message the session is handling now (<c>serve --url</c>).
/// A server's logging during a call names no request in its bytes, but the transport says which one it belongs to:
/// it came on that request's own stream. The router sends such a notification to that request's client
/// (docs/serve.md), also on the shared 2026-07-28 session, where nothing else would tie it to one.
/// </summary>
/// <remarks>
/// Flows with the delivery (an async local), not through the session core: the core judges the message and hands
/// it to the client side in the same flow, and knows nothing of HTTP streams.
/// </remarks>
internal static class UpstreamStream
{
    private static readonly AsyncLocal<JsonRpcId?> s_request = new();

    /// <summary>The request whose stream the message in hand came on; null when it came elsewhere.</summary>
    public static JsonRpcId? Request => s_request.Value;

    /// <summary>
    /// Runs <paramref name="deliver"/> with <paramref name="request"/> as the stream's request. The value ends with
    /// the call: an async method's changes to its context do not reach its caller.
    /// </summary>
    public static async ValueTask DeliverOnAsync(JsonRpcId request, Func<ValueTask> deliver)
    {
        s_request.Value = request;
        await deliver();
    }
}
