using ModelContextProtocol;

namespace McpGuard.Inventory;

/// <summary>
/// The probe's request got the guard's own error, not the remote server's: the server gave no answer
/// (<see cref="Why"/>). Its message is that error's, which names the server.
/// </summary>
internal sealed class UpstreamUnansweredException(ProbeAnswer.Unanswered answer) : McpException(answer.Message)
{
    public string Why { get; } = answer.Why;
}
