namespace McpGuard.Session;

/// <summary>
/// The gate's answers to the client in the server's place. Only the step that takes the request out of the table of
/// requests in flight answers it, so a call is never answered twice (when the child dies, the shutdown may already
/// have answered a held call).
/// </summary>
internal sealed class ClientReplies(SessionChannels channels)
{
    /// <summary>
    /// Answers the client instead of the server; flushed at once, since the client pump batches only towards the
    /// server.
    /// </summary>
    public async ValueTask ReplyAsync(JsonRpcId id, byte[] reply, CancellationToken cancellationToken)
    {
        if (channels.AwaitingServer.TryTake(id, out var pending))
        {
            await channels.AnswerClientAsync(pending, reply, flush: true, cancellationToken);
        }
    }

    /// <summary>Answers off the pump, where nobody is left to hear of a client that is gone.</summary>
    public async Task TryReplyAsync(JsonRpcId id, byte[] reply)
    {
        try
        {
            await ReplyAsync(id, reply, CancellationToken.None);
        }
        catch (IOException)
        {
            // The client is gone.
        }
    }
}
