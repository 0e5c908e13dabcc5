namespace McpGuard.Session;

/// <summary>
/// What one message stage did with a message: pass it on to the next stage, or end its handling — handled (the
/// stage forwarded, held, kept or dropped it itself), or answered: <see cref="Message"/> goes to the client or the
/// server instead of the message. A struct over a closed <see cref="StageAction"/>, so a stage's answer costs no
/// allocation on the hot path.
/// </summary>
internal readonly struct StageOutcome
{
    private StageOutcome(StageAction action, byte[]? message)
    {
        Action = action;
        Message = message;
    }

    public StageAction Action { get; }

    /// <summary>
    /// The bytes to send for <see cref="StageAction.ToClient"/> and <see cref="StageAction.ToServer"/>.
    /// </summary>
    public byte[]? Message { get; }

    /// <summary>The next stage gets the message; after the last one it is forwarded as judged.</summary>
    public static StageOutcome Next => default;

    /// <summary>The stage dealt with the message itself; nothing more happens to it.</summary>
    public static StageOutcome Handled => new(StageAction.Handled, null);

    /// <summary>The client gets <paramref name="message"/> instead (an error, a denial, a filtered list).</summary>
    public static StageOutcome ToClient(byte[] message) => new(StageAction.ToClient, message);

    /// <summary>The server gets <paramref name="message"/> instead (an error for the client's answer).</summary>
    public static StageOutcome ToServer(byte[] message) => new(StageAction.ToServer, message);

    public static implicit operator ValueTask<StageOutcome>(StageOutcome outcome) => new(outcome);
}
