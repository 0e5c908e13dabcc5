using System.Threading.Channels;
using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// Messages on their way to one HTTP response: a POST's answer (and what relates to it), or a session's GET
/// stream. Bounded, so a client that does not read its stream slows only the session or request it belongs to.
/// </summary>
internal sealed class ClientStream
{
    // Synchronous continuations: the request waiting for its answer writes it on the thread that delivered it, up
    // to the response's first wait on its client (Kestrel sends it there). Queued to the thread pool instead, each
    // answer woke a worker, which woke another in case more came (futex calls, strace). The writer never holds a
    // lock while it delivers (SessionRouter), so what runs inline cannot wait on it.
    private readonly Channel<OutboundMessage> _messages = Channel.CreateBounded<OutboundMessage>(
        new BoundedChannelOptions(64)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = true,
        });

    /// <param name="answers">The request this stream answers; null for a GET stream.</param>
    /// <param name="progressToken">The progress token that request carried, if any.</param>
    public ClientStream(JsonRpcId? answers, string? progressToken)
    {
        Answers = answers;
        ProgressToken = progressToken;
    }

    public JsonRpcId? Answers { get; }

    /// <summary>
    /// On the shared child the request went with ids of the guard's own; the client gets its own back.
    /// </summary>
    public ClientIds? Restore { get; init; }

    public string? ProgressToken { get; }

    public ChannelReader<OutboundMessage> Reader => _messages.Reader;

    /// <summary>Delivers one message; false when the stream is already over (its client went away).</summary>
    public async ValueTask<bool> WriteAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _messages.Writer.WriteAsync(message, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>No more messages: the answer was delivered, the session ended, or the client went away.</summary>
    public void Complete() => _messages.Writer.TryComplete();
}
