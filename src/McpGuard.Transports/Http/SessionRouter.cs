using System.Buffers;
using System.IO.Pipelines;
using McpGuard.Session;
using McpGuard.Stdio;
using ModelContextProtocol;

namespace McpGuard.Http;

/// <summary>
/// Sends each message the guard writes towards one session's client to the one HTTP response it belongs to:
/// an answer to the POST that asked; a progress notification to the POST whose request carried its token; anything
/// else (the guard's approval question, a server's request, logging, list_changed) to the newest open POST of this
/// session, else its GET stream, else it waits (bounded) for one. Nothing leaves the session.
/// </summary>
/// <remarks>
/// On the shared child of 2026-07-28 traffic (<paramref name="relatedOnly"/>), the streams belong to different
/// clients: a message goes only to the request it names (answer, progress token, subscription) or, behind
/// <c>serve --url</c>, to the request on whose upstream stream it came (<see cref="UpstreamStream"/>), never elsewhere.
/// </remarks>
internal sealed class SessionRouter(bool relatedOnly)
{
    private const int MaxWaiting = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ClientStream> _byId = new(StringComparer.Ordinal);
    private readonly List<ClientStream> _open = [];
    private readonly Queue<OutboundMessage> _waiting = new();
    private ClientStream? _getStream;
    private bool _ended;

    /// <summary>
    /// Opens the stream that will carry the answer to <paramref name="id"/>; false when that id is in flight.
    /// </summary>
    public bool TryOpen(ClientStream stream)
    {
        lock (_gate)
        {
            if (_ended || (stream.Answers is { } id && !_byId.TryAdd(id.Key, stream)))
            {
                return false;
            }

            _open.Add(stream);
            return true;
        }
    }

    /// <summary>The POST's client went away (or its answer was written): nothing more is routed to it.</summary>
    public void Close(ClientStream stream)
    {
        lock (_gate)
        {
            _open.Remove(stream);
            if (stream.Answers is { } id && _byId.TryGetValue(id.Key, out var current) && current == stream)
            {
                _byId.Remove(id.Key);
            }

            if (_getStream == stream)
            {
                _getStream = null;
            }
        }

        stream.Complete();
    }

    /// <summary>
    /// The client withdrew request <paramref name="id"/> (<c>notifications/cancelled</c>): nothing will answer it, so
    /// its POST ends now instead of holding its connection, and one of its agent's open requests, for good.
    /// </summary>
    public void Withdraw(JsonRpcId id)
    {
        ClientStream? stream;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id.Key, out stream))
            {
                return;
            }
        }

        stream.Withdrawn = true;
        Close(stream);
    }

    /// <summary>
    /// Request <paramref name="id"/> waits for a person: its POST's answer becomes an event stream now, so the client
    /// has its headers and, every <see cref="AnswerWriter.KeepAliveEvery"/>, a comment while the person decides.
    /// </summary>
    public async ValueTask WaitingForPersonAsync(JsonRpcId id)
    {
        ClientStream? stream;
        lock (_gate)
        {
            _byId.TryGetValue(id.Key, out stream);
        }

        if (stream is not null)
        {
            await stream.WriteAsync(OutboundMessage.WaitingForPerson, CancellationToken.None);
        }
    }

    /// <summary>Attaches the session's GET stream; false when one is open already (one per session).</summary>
    public bool TryAttachGetStream(ClientStream stream, out OutboundMessage[] waiting)
    {
        lock (_gate)
        {
            waiting = [];
            if (_ended || _getStream is not null)
            {
                return false;
            }

            _getStream = stream;
            waiting = [.. _waiting];
            _waiting.Clear();
            return true;
        }
    }

    /// <summary>
    /// Reads the guard's output for this session until it ends, then ends every stream of the session.
    /// </summary>
    public async Task RunAsync(PipeReader output, long maxLineBytes)
    {
        var framer = new LineFramer(maxLineBytes);
        try
        {
            while (true)
            {
                var result = await output.ReadAsync();
                var buffer = result.Buffer;
                while (framer.TryReadLine(ref buffer, out var line))
                {
                    await DeliverAsync(OutboundMessage.Read(line.ToArray()));
                }

                output.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await output.CompleteAsync();
            End();
        }
    }

    /// <summary>Sends one message the guard wrote towards this session's client to where it belongs.</summary>
    public async ValueTask DeliverAsync(OutboundMessage message)
    {
        var target = Target(message);
        if (target is not null && await target.WriteAsync(message, CancellationToken.None)
            && message.Kind == MessageKind.Response)
        {
            Close(target);
        }
    }

    /// <summary>
    /// Answers every request still waiting here with an error saying <paramref name="why"/> (shutdown: the drain ran
    /// out), so its client gets an answer rather than a cut connection; the server's answer, if it still comes, goes
    /// nowhere, and the session records the call's outcome when it ends.
    /// </summary>
    public async Task AnswerInFlightAsync(string why)
    {
        JsonRpcId[] waiting;
        lock (_gate)
        {
            waiting = [.. _open.Where(s => s.Answers is not null).Select(s => s.Answers!.Value)];
        }

        foreach (var id in waiting)
        {
            await DeliverAsync(OutboundMessage.Read(
                JsonRpcMessages.Error(id, McpErrorCode.InternalError.AsInt(), why)));
        }
    }

    /// <summary>The session's output ended: so does every stream of the session.</summary>
    public void End()
    {
        ClientStream[] streams;
        lock (_gate)
        {
            _ended = true;
            streams = [.. _open, .. _getStream is null ? Array.Empty<ClientStream>() : [_getStream]];
            _open.Clear();
            _byId.Clear();
            _getStream = null;
        }

        foreach (var stream in streams)
        {
            stream.Complete();
        }
    }

    private ClientStream? Target(OutboundMessage message)
    {
        lock (_gate)
        {
            if (message.Kind == MessageKind.Response)
            {
                // An answer goes to the request's own POST or nowhere (its client went away: it is over for them).
                return message.Id is { } id && _byId.TryGetValue(id.Key, out var asker) ? asker : null;
            }

            if (message.ProgressToken is { } token && _open.FindLast(s => s.ProgressToken == token) is { } related)
            {
                return related;
            }

            if (message.SubscriptionId is { } subscription && _byId.TryGetValue(subscription.Key, out var listener))
            {
                return listener;
            }

            // A notification that came on an upstream request's own stream (serve --url) belongs to that request.
            if (message.Kind == MessageKind.Notification && UpstreamStream.Request is { } origin
                && _byId.TryGetValue(origin.Key, out var caller))
            {
                return caller;
            }

            if (relatedOnly)
            {
                return null;
            }

            if ((_open.FindLast(s => s.Answers is not null) ?? _getStream) is { } open)
            {
                return open;
            }

            if (_waiting.Count < MaxWaiting)
            {
                _waiting.Enqueue(message);
            }

            return null;
        }
    }
}
