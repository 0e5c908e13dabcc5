using System.Buffers;
using McpGuard.Policy;

namespace McpGuard.Session;

/// <summary>
/// One server message as the server stages see it: its bytes, its header (method, id, error), the policy snapshot
/// it is handled under (read once per message), and what earlier stages learnt about an answer — the request it
/// answers and what the result policy made of it. One per session, filled for each message: a direction handles
/// one message at a time.
/// </summary>
internal sealed class ServerStep
{
    public ReadOnlySequence<byte> Line { get; private set; }

    public ServerMessageHeader Header { get; private set; }

    public CompiledPolicy Policy { get; private set; } = null!;

    /// <summary>The request an answer answers (<see cref="AnswerMatchStage"/>); null for other messages.</summary>
    public PendingRequest? Pending { get; set; }

    /// <summary>
    /// What the result policy made of an answer (<see cref="ResultPolicyStage"/>): its replacement, if any, is what
    /// the client gets after the last stage.
    /// </summary>
    public ResultCheck Checked { get; set; } = ResultCheck.None;

    /// <summary>
    /// When a forwarded call's answer was recorded (<see cref="CallOutcomeStage"/>; 0 for other messages): its
    /// spans end at that reading, so telemetry reads no clock of its own for the answer (bench/HISTORY.md).
    /// </summary>
    public long AnsweredAt { get; set; }

    public void Start(ReadOnlySequence<byte> line, ServerMessageHeader header, CompiledPolicy policy)
    {
        Line = line;
        Header = header;
        Policy = policy;
        Pending = null;
        Checked = ResultCheck.None;
        AnsweredAt = 0;
    }

    /// <summary>Lets go of the message once it is handled.</summary>
    public void Clear()
    {
        Line = default;
        Pending = null;
        Checked = ResultCheck.None;
        AnsweredAt = 0;
    }
}
