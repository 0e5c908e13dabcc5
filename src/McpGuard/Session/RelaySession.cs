using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// One guarded session, assembled in one place: the wires both directions share, the guard's own tool listing,
/// the gate and its held calls, and the handler of each direction. <see cref="StdioRelay"/> owns the child process
/// and the order of shutdown; everything that knows about messages lives here.
/// </summary>
internal sealed class RelaySession
{
    private readonly HeldCalls _held;
    private readonly ClientLineHandler _client;
    private readonly ServerLineHandler _server;
    private readonly RelayOptions _options;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _clientGone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RelaySession(
        Stream clientOutput,
        Stream serverInput,
        PolicyEngine engine,
        Func<RelayChannels, IApprover> approverFor,
        IAuditLog audit,
        RelayOptions options,
        string serverName,
        ILoggerFactory loggerFactory,
        CancellationToken relayStopping)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<RelaySession>();
        Channels = new RelayChannels(new MessageSink(clientOutput), new MessageSink(serverInput));
        _held = new HeldCalls(relayStopping);
        var drift = new PinDriftReporter(loggerFactory.CreateLogger<PinDriftReporter>());
        var fetcher = new ToolListFetcher(Channels, options, engine, drift.Report, relayStopping);
        var inBand = new InBandApprovals(engine.TimeProvider);
        var gate = new ToolCallGate(
            Channels, engine, fetcher, _held, approverFor(Channels), ApprovalStateToken.CreateForProcess(), inBand, audit, options, serverName, loggerFactory.CreateLogger<ToolCallGate>());
        _client = new ClientLineHandler(Channels, gate, loggerFactory.CreateLogger<ClientLineHandler>());
        var results = new ResultStage(engine, Channels.Tasks, options.Monitor, loggerFactory.CreateLogger<ResultStage>());
        _server = new ServerLineHandler(Channels, engine, inBand, drift, results, audit, loggerFactory.CreateLogger<ServerLineHandler>());
    }

    public RelayChannels Channels { get; }

    /// <summary>
    /// Completes when a write to the client failed (it closed its end of our stdout, EPIPE): the session then ends
    /// as on client EOF, so the guard and its server never outlive their client.
    /// </summary>
    public Task ClientGone => _clientGone.Task;

    /// <summary>Client→server. It batches only towards the server; its rare replies to the client are flushed at once.</summary>
    public Task PumpClientAsync(Stream clientInput, CancellationToken cancellationToken) =>
        new MessagePump("client→server", _client.HandleAsync, RefuseOversizedAsync, FlushToServerAsync, _options.MaxMessageBytes, _logger)
            .RunAsync(clientInput, cancellationToken);

    /// <summary>Server→client. So a client that is not reading its answers never stops its requests from reaching the server.</summary>
    public Task PumpServerAsync(Stream serverOutput, CancellationToken cancellationToken) =>
        new MessagePump("server→client", _server.HandleAsync, _ => ValueTask.CompletedTask, FlushToClientAsync, _options.MaxMessageBytes, _logger)
            .RunAsync(serverOutput, cancellationToken);

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
            // 2025 era: the bare notification, as before. 2026-07-28 era: change notifications exist only on
            // listen streams, so one per stream that asked for tool changes, tagged with its id; none when none is open.
            if (Channels.ClientInitialized)
            {
                await Channels.ToClient.WriteLineAsync(JsonRpcMessages.Notification(NotificationMethods.ToolListChangedNotification), flush: true, CancellationToken.None);
            }

            foreach (var stream in Channels.ListenStreams.ToolChangeStreams())
            {
                await Channels.ToClient.WriteLineAsync(JsonRpcMessages.ListChangedOn(stream), flush: true, CancellationToken.None);
            }
        }
        catch (IOException)
        {
            // The client is gone; the session is ending anyway.
        }
    }

    /// <summary>
    /// The end of the session, once the relay has stopped: held calls are drained, then every request still in
    /// flight gets an answer (the client never waits on a dead server), then the client's output is closed.
    /// </summary>
    public async Task EndAsync(int exitCode)
    {
        await _held.DrainAsync();
        var message = $"The MCP server exited (code {exitCode}) before answering.";
        foreach (var pending in Channels.AwaitingServer.Drain())
        {
            if (pending.OwnResponse is { } own)
            {
                own.TrySetException(new IOException(message));
                continue;
            }

            try
            {
                await Channels.ToClient.WriteLineAsync(JsonRpcMessages.Error(pending.Id, McpErrorCode.InternalError.AsInt(), message), flush: true, CancellationToken.None);
            }
            catch (IOException)
            {
                return;
            }
        }

        foreach (var pending in Channels.AwaitingClient.Drain())
        {
            pending.OwnResponse?.TrySetException(new IOException(message));
        }

        await Channels.ToClient.DisposeAsync();
    }

    private async ValueTask FlushToServerAsync(CancellationToken cancellationToken)
    {
        await Channels.ToServer.FlushAsync(cancellationToken);

        // The client pump's own replies to the client are written (and may fail) inside its handler.
        NoticeBrokenClient();
    }

    private async ValueTask FlushToClientAsync(CancellationToken cancellationToken)
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

    private void NoticeBrokenClient()
    {
        if (Channels.ToClient.IsBroken)
        {
            _clientGone.TrySetResult();
        }
    }

    private ValueTask RefuseOversizedAsync(CancellationToken cancellationToken) =>
        Channels.ToClient.WriteLineAsync(
            JsonRpcMessages.Error(null, McpErrorCode.InvalidRequest.AsInt(), "Invalid request: the message is larger than McpGuard accepts."),
            flush: true,
            cancellationToken);
}
