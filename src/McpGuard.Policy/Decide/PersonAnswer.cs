namespace McpGuard.Policy.Decide;

/// <summary>
/// How a person answered a call that needed approval (a channel, the client in band, or a proof's case).
/// </summary>
internal abstract record PersonAnswer
{
    private PersonAnswer()
    {
    }

    /// <summary>
    /// Approved; <paramref name="Reason"/> null keeps the policy's own reason (a proof's <c>approve: true</c>).
    /// </summary>
    public sealed record Approved(string? Reason) : PersonAnswer;

    /// <summary>Refused, timed out or unasked; <paramref name="Detail"/> is for the operator only.</summary>
    public sealed record Refused(string Reason, string? Detail = null) : PersonAnswer;
}
