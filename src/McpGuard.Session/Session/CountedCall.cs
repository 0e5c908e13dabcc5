using McpGuard.Policy.Decide;
using McpGuard.Policy.Limits;

namespace McpGuard.Session;

/// <summary>
/// A tools/call the pump judged allowed whose count the store did not answer at once, waiting in <see
/// cref="CountedCalls"/> to be concluded and sent in arrival order.
/// </summary>
/// <param name="Line">A copy of the call's bytes at its start (the pump's buffer is reused for the next line): a
/// buffer of <see cref="CountedCalls"/>, reused once the call was sent (<see cref="CountedCalls.CopyOf"/>).</param>
/// <param name="LineLength">How many bytes of <paramref name="Line"/> are the call's.</param>
/// <param name="Decision">The policy's decision; its request carries its own copy of the arguments when an audit log
/// records them (the pump's document is gone by then).</param>
/// <param name="ApprovedArgumentsHash">Set when a person approved the call (<see cref="ForwardedCall"/>).</param>
/// <param name="Pending">The call's entry in the table of requests in flight when it was queued: a different entry
/// (or none) when it is sent means the client withdrew it meanwhile.</param>
internal sealed record CountedCall(
    JsonRpcId Id,
    byte[] Line,
    int LineLength,
    string CallId,
    CallDecision.Allow Decision,
    string? ApprovedArgumentsHash,
    ProtocolEra Era,
    Task<LimitOutcome> Counting,
    ArrivalOrder.Turn Turn,
    PendingRequest? Pending);
