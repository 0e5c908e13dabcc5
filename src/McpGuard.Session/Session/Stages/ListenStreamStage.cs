namespace McpGuard.Session;

/// <summary>
/// A 2026-07-28 <c>subscriptions/listen</c> request opens a listen stream, tracked by its id, so a hot reload can
/// tell the streams that asked for tool changes (it closes when the server answers it or the client cancels it).
/// </summary>
internal sealed class ListenStreamStage(SessionChannels channels) : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        var message = step.Message;
        if (message.Kind == MessageKind.Request && message.Method == ListenStreams.Method)
        {
            channels.ListenStreams.Open(message.Id!.Value, message.Params);
        }

        return StageOutcome.Next;
    }
}
