using System.Text.Json;

namespace McpGuard.Audit;

/// <summary>
/// How a forwarded call ended: the server's answer (or the guard's, if the server went away). With
/// <see cref="LateAnswer"/>, the server's answer to a call the client had already cancelled (a <c>late_answer</c>
/// record, docs/audit.md#late_answer).
/// </summary>
internal sealed record AuditOutcomeRecord
{
    public required string CallId { get; init; }

    public JsonElement? RequestId { get; init; }

    public string? Tool { get; init; }

    /// <summary>From forwarding the call to receiving its answer.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Who asked (docs/serve.md); null for <c>run</c>.</summary>
    public string? Agent { get; init; }

    /// <summary>True for a JSON-RPC error response or a result with <c>isError: true</c>.</summary>
    public required bool IsError { get; init; }

    /// <summary>The JSON-RPC error code, for an error response.</summary>
    public long? ErrorCode { get; init; }

    /// <summary>For a call the server ran as a task: the task's final status (completed, failed, cancelled).</summary>
    public string? TaskStatus { get; init; }

    /// <summary>
    /// The client cancelled the call (<c>notifications/cancelled</c>) after it was forwarded: no answer reached the
    /// client, and a late one from the server is dropped. The record is written at the cancellation.
    /// </summary>
    public bool Cancelled { get; init; }

    /// <summary>
    /// The server answered the call after the client cancelled it (its outcome, <see cref="Cancelled"/>, is already
    /// written): the answer was dropped, but says whether the server acted. Written as a <c>late_answer</c> record.
    /// </summary>
    public bool LateAnswer { get; init; }

    /// <summary>What the result policy did with the answer (docs/results.md#audit); null when it did nothing.</summary>
    public AuditResultPolicy? Results { get; init; }
}
