using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The wires both directions of one session share: the two peers, the requests in flight each way (named for
/// whose answer they wait on), the tool catalog, and what the client said it can do.
/// </summary>
internal sealed class SessionChannels(IClientPeer toClient, IServerPeer toServer)
{
    public IClientPeer ToClient { get; } = toClient;

    public IServerPeer ToServer { get; } = toServer;

    /// <summary>
    /// Requests sent to the server (the client's and the guard's own), waiting for the server's answer.
    /// </summary>
    public RequestTable AwaitingServer { get; init; } = new();

    /// <summary>
    /// Requests sent to the client (the server's and the guard's own), waiting for the client's answer.
    /// </summary>
    public RequestTable AwaitingClient { get; } = new();

    /// <summary>
    /// Client requests cancelled after they went to the server, whose late answer may still come: their ids are not
    /// taken for new requests until it does.
    /// </summary>
    public WithdrawnRequests Withdrawn { get; } = new();

    public ToolCatalog Catalog { get; } = new();

    /// <summary>The session's background work (count give-backs), drained when the session ends.</summary>
    public BackgroundWork Background { get; } = new();

    /// <summary>
    /// The server's self-reported name (<c>serverInfo.name</c> from initialize or server/discover), which picks its
    /// vendor risk catalogue; null until it said. Session state, never the engine's: one process (serve) holds many
    /// sessions, each facing a server of its own.
    /// </summary>
    public string? ServerName
    {
        get => Volatile.Read(ref field);
        set => Volatile.Write(ref field, value);
    }

    /// <summary>
    /// The tasks the server created for judged calls; <c>tasks/*</c> naming any other id are refused.
    /// </summary>
    public TaskTable Tasks { get; } = new();

    /// <summary>The client's open listen streams that asked for tool-list changes (2026-07-28 era).</summary>
    public ListenStreams ListenStreams { get; } = new();

    /// <summary>
    /// The session's clock: approval deadlines, in-band questions and server rounds expire on it. The process's
    /// clock, given once when the session is assembled; the handlers never read the engine's.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The spans of the client's requests; null when no telemetry listens (docs/telemetry.md).</summary>
    public RequestSpans? Spans { get; init; }

    /// <summary>
    /// Forwards a client message the session has read to the server: <paramref name="requestId"/> is its id when
    /// it is a request, so telemetry learns it was forwarded without reading the bytes again (docs/telemetry.md).
    /// </summary>
    public ValueTask ForwardAsync(
        JsonRpcId? requestId, ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken) =>
        ToServer is TracedServerPeer traced
            ? traced.SendReadAsync(requestId, message, flush, cancellationToken)
            : ToServer.SendAsync(message, flush, cancellationToken);

    /// <summary>
    /// As above for a client request the session read, with its method and era: the server peer is handed them
    /// too (<see cref="IServerPeer.SendRequestAsync"/>), so an HTTP upstream does not read the bytes again.
    /// </summary>
    public ValueTask ForwardRequestAsync(
        JsonRpcId id,
        string method,
        ProtocolEra era,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken) =>
        ToServer is TracedServerPeer traced
            ? traced.SendReadRequestAsync(id, method, era, message, flush, cancellationToken)
            : ToServer.SendRequestAsync(id, method, era, message, flush, cancellationToken);

    /// <summary>As above, with the request's entry in hand (null: no request), so telemetry looks nothing up.</summary>
    public ValueTask ForwardAsync(
        PendingRequest? request, ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken) =>
        ToServer is TracedServerPeer traced
            ? traced.SendReadAsync(request, message, flush, cancellationToken)
            : ToServer.SendAsync(message, flush, cancellationToken);

    /// <summary>
    /// Passes a server message the session has read to the client: <paramref name="answered"/> is the client
    /// request it answers (taken out of <see cref="AwaitingServer"/>, with the header's error facts), so telemetry
    /// ends its spans without reading it again; <paramref name="answeredAt"/> is the session's own reading of the
    /// clock for it (0: none was taken).
    /// </summary>
    public ValueTask PassToClientAsync(
        PendingRequest? answered,
        ServerMessageHeader header,
        long answeredAt,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken) =>
        ToClient is TracedClientPeer traced
            ? traced.SendReadAsync(
                answered, header.IsError, header.ErrorCode, answeredAt, message, flush, cancellationToken)
            : ToClient.SendReadAsync(header, message, flush, cancellationToken);

    /// <summary>
    /// Sends the guard's own answer to a client request it took out of <see cref="AwaitingServer"/> with <see
    /// cref="RequestTable.TryTake"/> (<paramref name="answered"/>; null: the message answers no request in hand).
    /// </summary>
    public ValueTask AnswerClientAsync(
        PendingRequest? answered, ReadOnlyMemory<byte> message, bool flush, CancellationToken cancellationToken) =>
        ToClient is TracedClientPeer traced && answered is not null
            ? traced.SendAnswerAsync(answered, new ReadOnlySequence<byte>(message), flush, cancellationToken)
            : ToClient.SendAsync(message, flush, cancellationToken);

    /// <summary>
    /// Sends the guard's own answer to <paramref name="answered"/> in place of the server's answer to it (<paramref
    /// name="replaced"/>: a result the result policy blocked or rewrote), so its CLIENT span keeps the server's
    /// outcome (docs/telemetry.md).
    /// </summary>
    public ValueTask AnswerClientAsync(
        PendingRequest? answered,
        ServerMessageHeader replaced,
        ReadOnlyMemory<byte> message,
        bool flush,
        CancellationToken cancellationToken) =>
        ToClient is TracedClientPeer traced && answered is not null
            ? traced.SendAnswerAsync(
                answered, replaced, new ReadOnlySequence<byte>(message), flush, cancellationToken)
            : ToClient.SendAsync(message, flush, cancellationToken);

    /// <summary>The client sent a 2025-era initialize, so it expects bare list_changed notifications.</summary>
    public bool ClientInitialized { get; set; }

    /// <summary>
    /// Set from the client's initialize (or a modern request's <c>_meta</c>): it can show form elicitation.
    /// </summary>
    public bool ClientSupportsElicitation { get; set; }
}
