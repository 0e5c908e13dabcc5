using System.Buffers;
using McpGuard.Policy;

namespace McpGuard.Session;

/// <summary>
/// One client message as the client stages see it: the validated message, the bytes that will be forwarded, and
/// the policy snapshot it is handled under (read once, so a reload meanwhile never decides one message under two
/// policies). One per session, filled for each message: a direction handles one message at a time.
/// </summary>
internal sealed class ClientStep
{
    public ClientMessage Message { get; private set; } = null!;

    /// <summary>The bytes forwarded after the last stage; a stage may replace them (a stripped capability).</summary>
    public ReadOnlySequence<byte> Line { get; set; }

    public CompiledPolicy Policy { get; private set; } = null!;

    /// <summary>
    /// The task a <c>tasks/*</c> request names (<see cref="TaskRequestStage"/>), for its request entry.
    /// </summary>
    public string? TaskId { get; set; }

    /// <summary>
    /// A request's entry in the table of requests awaiting the server (<see cref="RequestIdStage"/>), with which it
    /// is forwarded; null for other messages.
    /// </summary>
    public PendingRequest? Pending { get; set; }

    /// <summary>
    /// A tools/call's <c>name</c> and <c>arguments</c> as telemetry read them on arrival (<see
    /// cref="RequestSpans.Started"/>), so the gate does not read them again; null when telemetry does not listen or
    /// the name is not a string.
    /// </summary>
    public ToolCall? ReadCall { get; set; }

    public void Start(ClientMessage message, ReadOnlySequence<byte> line, CompiledPolicy policy)
    {
        Message = message;
        Line = line;
        Policy = policy;
        TaskId = null;
        Pending = null;
        ReadCall = null;
    }

    /// <summary>Lets go of the message once it is handled (its document is disposed).</summary>
    public void Clear()
    {
        Message = null!;
        Line = default;
        Pending = null;
        ReadCall = null;
    }
}
