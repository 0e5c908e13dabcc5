using System.Buffers;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// One guarded session, whatever transport drives it (docs/architecture.md). A transport hands it whole messages,
/// one direction each (<see cref="HandleClientMessageAsync"/>, <see cref="HandleServerMessageAsync"/>), and gives
/// it a peer per direction to send to. Everything that knows about messages lives here; the transport frames
/// bytes, owns its connections and the order of shutdown.
/// </summary>
/// <remarks>
/// Each direction is handled one message at a time, in arrival order: a transport does not start a direction's
/// next message before the last one's handling completed (the stdio pumps await it; an HTTP transport queues).
/// The two directions run concurrently. A message that fails to be handled is logged and dropped; the session goes on.
/// </remarks>
internal sealed class GuardSession
{
    private readonly HeldCalls _held;
    private readonly ToolCallGate _gate;
    private readonly ClientMessageHandler _client;
    private readonly ServerMessageHandler _server;
    private readonly CallOutcomes _outcomes;
    private readonly TaskCompletionSource _clientGone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="sessionStopping">Fires when the transport stops the session: held calls and the guard's own
    /// requests end.</param>
    public GuardSession(
        IClientPeer client,
        IServerPeer server,
        PolicyEngine engine,
        Func<SessionChannels, IApprover> approverFor,
        IAuditLog audit,
        SessionOptions options,
        string serverName,
        ILoggerFactory loggerFactory,
        CancellationToken sessionStopping)
    {
        // Telemetry sees every request and answer through its own wrappers, built only while an exporter or a scrape
        // listens (without telemetry the session runs on the transport's peers as given), and each decision where the
        // gate records it for the audit, whether or not an audit log is kept.
        var awaitingServer = new RequestTable();
        var spans = RequestSpans.IsListening ? new RequestSpans(
            awaitingServer,
            options.NetworkTransport,
            options.Agent,
            options.TelemetryArguments,
            options.SessionId,
            options.RequestAgents,
            serverTransport: options.ServerTransport,
            serverSessionId: options.ServerSessionId) : null;
        if (spans is not null)
        {
            client = new TracedClientPeer(client, spans);
            server = new TracedServerPeer(server, spans);
            var untraced = approverFor;
            approverFor = channels => new TracedApprover(untraced(channels), spans);
        }

        Channels = new SessionChannels(client, server)
        {
            AwaitingServer = awaitingServer, Spans = spans, Clock = engine.TimeProvider,
        };
        _held = new HeldCalls(sessionStopping);
        var drift = new PinDriftReporter(loggerFactory.CreateLogger<PinDriftReporter>());
        var fetcher = new ToolListFetcher(Channels, options, drift.Report, sessionStopping);
        var inBand = new InBandApprovals(Channels.Clock);
        var gate = _gate = new ToolCallGate(
            Channels, engine, fetcher, _held, approverFor(Channels), ApprovalStateToken.CreateForProcess(), inBand,
            audit, options, serverName, loggerFactory.CreateLogger<ToolCallGate>());
        var serverLogger = loggerFactory.CreateLogger<ServerMessageHandler>();
        var outcomes = _outcomes = new CallOutcomes(Channels, engine, audit, serverLogger);
        var clientLogger = loggerFactory.CreateLogger<ClientMessageHandler>();
        _client = new ClientMessageHandler(
            Channels, engine, SessionStages.Client(Channels, gate, outcomes, clientLogger), clientLogger);
        var results = new ResultStage(Channels.Tasks, options.Monitor, loggerFactory.CreateLogger<ResultStage>());
        _server = new ServerMessageHandler(
            Channels, engine, SessionStages.Server(
                Channels, results, outcomes, inBand, drift, serverLogger, options.ClientTakesNoRequests),
            serverLogger);
    }

    public SessionChannels Channels { get; }

    /// <summary>
    /// Completes when a send to the client failed (it closed its end of our stdout, EPIPE): the transport then
    /// ends the session as on client EOF, so the guard and its server never outlive their client.
    /// </summary>
    public Task ClientGone => _clientGone.Task;

    /// <summary>
    /// One whole message from the client: validated, judged, then forwarded to the server (with <c>flush</c>
    /// false: call <see cref="ClientBatchEndedAsync"/> after a batch) or answered (flushed at once).
    /// </summary>
    /// <param name="message">The message's bytes, without framing; they may span segments and contain JSON
    /// whitespace.</param>
    public ValueTask HandleClientMessageAsync(ReadOnlySequence<byte> message, CancellationToken cancellationToken) =>
        _client.HandleAsync(message, cancellationToken);

    /// <summary>
    /// As <see cref="HandleClientMessageAsync(ReadOnlySequence{byte}, CancellationToken)"/>, for a message its
    /// transport validated already (<see cref="ClientMessageValidator"/>): its parse, the caller's to dispose after,
    /// is judged without a second one.
    /// </summary>
    public ValueTask HandleClientMessageAsync(
        ClientMessage validated, ReadOnlySequence<byte> message, CancellationToken cancellationToken) =>
        _client.HandleAsync(validated, message, cancellationToken);

    /// <summary>
    /// One whole message from the server: answers are matched to their requests, tool lists filtered, then sent to the
    /// client.
    /// </summary>
    /// <inheritdoc cref="HandleClientMessageAsync" path="/param"/>
    public ValueTask HandleServerMessageAsync(ReadOnlySequence<byte> message, CancellationToken cancellationToken) =>
        _server.HandleAsync(message, cancellationToken);

    /// <summary>
    /// As <see cref="HandleServerMessageAsync(ReadOnlySequence{byte}, CancellationToken)"/>, for a message its
    /// transport read already (a remote upstream's answer, checked as it arrived): judged by that
    /// <paramref name="header"/>, without a second read.
    /// </summary>
    public ValueTask HandleServerMessageAsync(
        ServerMessageHeader header, ReadOnlySequence<byte> message, CancellationToken cancellationToken) =>
        _server.HandleAsync(header, message, cancellationToken);

    /// <summary>
    /// The end of a batch of client messages: what was forwarded to the server goes out in one write.
    /// </summary>
    public async ValueTask ClientBatchEndedAsync(CancellationToken cancellationToken)
    {
        await Channels.ToServer.FlushAsync(cancellationToken);

        // The client direction's own replies to the client were sent (and may have failed) inside its handler.
        NoticeBrokenClient();
    }

    /// <summary>The end of a batch of server messages: what was sent to the client goes out in one write.</summary>
    public async ValueTask ServerBatchEndedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Channels.ToClient.FlushAsync(cancellationToken);
        }
        finally
        {
            NoticeBrokenClient();
        }
    }

    /// <summary>
    /// The transport dropped a client message for its size (<see cref="SessionOptions.MaxMessageBytes"/>): the client
    /// is told.
    /// </summary>
    public ValueTask RefuseOversizedClientMessageAsync(CancellationToken cancellationToken) =>
        Channels.ToClient.SendAsync(
            JsonRpcMessages.Error(
                null,
                McpErrorCode.InvalidRequest.AsInt(),
                "Invalid request: the message is larger than McpGuard accepts."),
            flush: true,
            cancellationToken);

    /// <summary>
    /// After a policy reload: if what is hidden changed, the guard's view of the tools is refreshed and the client
    /// is told to list again (<c>notifications/tools/list_changed</c>), as a server would.
    /// </summary>
    public async Task OnPolicyReloadedAsync(bool hiddenChanged)
    {
        if (!hiddenChanged)
        {
            return;
        }

        Channels.Catalog.MarkStale();
        try
        {
            // 2025 era: the bare notification, as before. 2026-07-28 era: change notifications exist only on listen
            // streams, so one per stream that asked for tool changes, tagged with its id; none when none is open.
            if (Channels.ClientInitialized)
            {
                var listChanged = JsonRpcMessages.Notification(NotificationMethods.ToolListChangedNotification);
                await Channels.ToClient.SendAsync(listChanged, flush: true, CancellationToken.None);
            }

            foreach (var stream in Channels.ListenStreams.ToolChangeStreams())
            {
                await Channels.ToClient.SendAsync(
                    JsonRpcMessages.ListChangedOn(stream), flush: true, CancellationToken.None);
            }
        }
        catch (IOException)
        {
            // The client is gone; the session is ending anyway.
        }
    }

    /// <summary>
    /// After the client's input ended: waits, up to <paramref name="limit"/>, until the calls it sent before the end
    /// are decided and forwarded or answered (a call held for the guard's own tools/list or for its count; not one
    /// that waits for a person), so the transport closes the server's input only after them
    /// (docs/relay.md#lifecycle).
    /// </summary>
    public async Task SettleAsync(TimeSpan limit)
    {
        var settled = Task.WhenAll(_held.Settled, _gate.CountedSent);
        await settled.WaitAsync(limit, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// The end of the session, once the transport stopped feeding it: held calls are drained, then every request
    /// still in flight gets an answer (the client never waits on a gone server), then the client's side is closed.
    /// </summary>
    /// <param name="serverGone">What the client is told about requests the server never answered.</param>
    public async Task EndAsync(string serverGone)
    {
        try
        {
            await AnswerTheRestAsync(serverGone);
        }
        finally
        {
            // What telemetry left to count on the records of requests nobody could answer is counted now.
            Channels.Spans?.Ended();
        }
    }

    private async Task AnswerTheRestAsync(string serverGone)
    {
        await Task.WhenAll(_held.DrainAsync(), _gate.DrainCountedAsync());

        // Give-backs the held calls and answers started finish before the transport closes the counter store.
        await Channels.Background.DrainAsync();
        var clientGone = false;
        foreach (var pending in Channels.AwaitingServer.Drain())
        {
            if (pending.OwnResponse is { } own)
            {
                own.TrySetException(new IOException(serverGone));
                continue;
            }

            if (pending.Call is { } call)
            {
                // The call's outcome is the error the client gets (docs/audit.md#outcome); its count stays: the
                // server may have run it before it went away.
                _outcomes.Record(call, pending.Id, isError: true, McpErrorCode.InternalError.AsInt(), ResultCheck.None,
                    System.Diagnostics.Stopwatch.GetTimestamp());
            }

            if (clientGone)
            {
                continue;
            }

            try
            {
                var error = JsonRpcMessages.Error(pending.Id, McpErrorCode.InternalError.AsInt(), serverGone);
                await Channels.ToClient.SendAsync(error, flush: true, CancellationToken.None);
            }
            catch (IOException)
            {
                // The client is gone too: the other calls' outcomes are still recorded.
                clientGone = true;
            }
        }

        if (clientGone)
        {
            return;
        }

        foreach (var pending in Channels.AwaitingClient.Drain())
        {
            pending.OwnResponse?.TrySetException(new IOException(serverGone));
        }

        await Channels.ToClient.DisposeAsync();
    }

    private void NoticeBrokenClient()
    {
        if (Channels.ToClient.IsBroken)
        {
            _clientGone.TrySetResult();
        }
    }
}
