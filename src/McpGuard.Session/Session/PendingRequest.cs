using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>A request waiting for its answer, by the id it travels under.</summary>
internal sealed record PendingRequest(JsonRpcId Id, string Method)
{
    /// <summary>Set for the guard's own requests: the answer completes this instead of being forwarded.</summary>
    public TaskCompletionSource<JsonDocument>? OwnResponse { get; init; }

    /// <summary>Marks a request the client withdrew (in <see cref="_call"/>): no call can be set on it after.</summary>
    private static readonly ForwardedCall s_withdrawn = new("", "", 0);

    private ForwardedCall? _call;

    /// <summary>Set when a tools/call is forwarded, to report its outcome; written once, before forwarding.</summary>
    public ForwardedCall? Call
    {
        get => Volatile.Read(ref _call) is { } call && !ReferenceEquals(call, s_withdrawn) ? call : null;
    }

    /// <summary>
    /// Notes that the call is being forwarded. False when the client withdrew the request first (then it must not
    /// be sent): the withdrawal and this are atomic, so exactly one of them reports how the call ended.
    /// </summary>
    public bool TrySetCall(ForwardedCall call) => Interlocked.CompareExchange(ref _call, call, null) is null;

    /// <summary>
    /// The client withdrew the request (notifications/cancelled): returns the forwarded call, if it was, whose
    /// outcome the caller records; from now on <see cref="TrySetCall"/> fails.
    /// </summary>
    public ForwardedCall? Withdraw() =>
        Interlocked.Exchange(ref _call, s_withdrawn) is { } call && !ReferenceEquals(call, s_withdrawn) ? call : null;

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
