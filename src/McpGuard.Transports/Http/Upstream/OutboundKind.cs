namespace McpGuard.Http.Upstream;

/// <summary>What a message the session sends to the upstream is, which decides how its POST is answered.</summary>
internal enum OutboundKind
{
    /// <summary>Has a method and an id: answered with JSON or an SSE stream that ends with its response.</summary>
    Request,

    /// <summary>Has a method and no id: answered 202 with no body.</summary>
    Notification,

    /// <summary>The client's answer to a server→client request: answered 202 with no body.</summary>
    Response,
}
