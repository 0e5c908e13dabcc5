using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>A request waiting for its answer, by the id it travels under.</summary>
internal sealed record PendingRequest(JsonRpcId Id, string Method)
{
    /// <summary>Set for the guard's own requests: the answer completes this instead of being forwarded.</summary>
    public TaskCompletionSource<JsonDocument>? OwnResponse { get; init; }

    /// <summary>Set when a tools/call is forwarded, to report its outcome; written once, before forwarding.</summary>
    public ForwardedCall? Call { get; set; }

    /// <summary>
    /// A server's sampling request that offers tools, under <c>sampling: { tools: judge }</c>: the client's answer is
    /// judged before it is passed on.
    /// </summary>
    public bool JudgesPicks { get; init; }

    /// <summary>The task a <c>tasks/*</c> request names: its answer may show the task's final state.</summary>
    public string? TaskId { get; init; }

    /// <summary>
    /// A client request's telemetry record while it is in flight (<see cref="RequestSpans"/>; null without
    /// telemetry): kept on the entry the session looks up anyway, so telemetry keeps no table of its own.
    /// Written on arrival, before the request is forwarded; cleared when its spans end.
    /// </summary>
    public RequestTrace? Trace { get; set; }
}
