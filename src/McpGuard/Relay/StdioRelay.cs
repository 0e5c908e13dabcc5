using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Relay;

/// <summary>
/// Runs one guarded session: the child server, a pump per direction, and the shutdown of SPEC §4.7.
/// The relay knows nothing of YAML: it asks the <see cref="PolicyEngine"/> and forwards or answers.
/// </summary>
internal sealed partial class StdioRelay(
    PolicyEngine engine,
    Func<RelayChannels, IApprover> approverFor,
    IAuditLog audit,
    RelayOptions options,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<StdioRelay>();
    private RelayChannels? _channels;

    /// <summary>
    /// After a policy reload: if what is hidden changed, the guard's view of the tools is refreshed and the client
    /// is told to list again (<c>notifications/tools/list_changed</c>), as a server would.
    /// </summary>
    public async Task OnPolicyReloadedAsync(bool hiddenChanged)
    {
        if (!hiddenChanged || _channels is not { } channels)
        {
            return;
        }

        channels.Catalog.MarkStale();
        try
        {
            await channels.ToClient.WriteLineAsync(JsonRpcMessages.Notification(NotificationMethods.ToolListChangedNotification), flush: true, CancellationToken.None);
        }
        catch (IOException)
        {
            // The client is gone; the session is ending anyway.
        }
    }

    /// <summary>Relays until the client or the server ends the session, or <paramref name="stopping"/> fires.</summary>
    /// <returns>The child's exit code.</returns>
    /// <exception cref="ChildStartException">The server command could not be started.</exception>
    public async Task<int> RunAsync(IReadOnlyList<string> commandLine, string serverName, Stream clientInput, Stream clientOutput, Stream stderr, CancellationToken stopping)
    {
        using var child = ChildProcess.Start(commandLine, stderr, _logger);
        LogChildStarted(_logger, Path.GetFileName(commandLine[0]), child.Id);

        using var relayCancellation = new CancellationTokenSource();
        var token = relayCancellation.Token;
        var channels = new RelayChannels(new MessageSink(clientOutput), new MessageSink(child.StandardInput));
        _channels = channels;
        var fetcher = new ToolListFetcher(channels, options, token);
        var gate = new ToolCallGate(channels, engine, fetcher, approverFor(channels), audit, options, serverName, loggerFactory.CreateLogger<ToolCallGate>());
        var clientHandler = new ClientLineHandler(channels, gate, loggerFactory.CreateLogger<ClientLineHandler>());
        var serverHandler = new ServerLineHandler(channels, engine, audit, loggerFactory.CreateLogger<ServerLineHandler>());

        // Each pump batches only the direction it feeds; its rare replies the other way are flushed at once.
        // So a client that is not reading its answers never stops its requests from reaching the server.
        var clientPump = new MessagePump("client→server", clientHandler.HandleAsync, ct => RefuseOversizedAsync(channels, ct), channels.ToServer.FlushAsync, options.MaxMessageBytes, _logger)
            .RunAsync(clientInput, token);
        var serverPump = new MessagePump("server→client", serverHandler.HandleAsync, _ => ValueTask.CompletedTask, channels.ToClient.FlushAsync, options.MaxMessageBytes, _logger)
            .RunAsync(child.StandardOutput, token);
        var stopRequested = Task.Delay(Timeout.Infinite, stopping);

        var first = await Task.WhenAny(clientPump, serverPump, child.Exited, stopRequested);
        int exitCode;
        if (first == clientPump || first == stopRequested)
        {
            // Client EOF or a signal: close the child's stdin and let it finish what it has; then escalate.
            LogClientGone(_logger, first == clientPump ? "the client closed stdin" : "a stop signal");
            await channels.ToServer.DisposeAsync();
            exitCode = await child.StopAsync(options.Shutdown);
            await Task.WhenAny(serverPump, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
        }
        else
        {
            // The server went away: it may still be flushing its last answers, so drain its stdout first.
            await Task.WhenAny(serverPump, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
            exitCode = await child.StopAsync(options.Shutdown);
        }

        LogChildExited(_logger, child.Id, exitCode);
        await relayCancellation.CancelAsync();
        await AnswerPendingAsync(channels, exitCode);
        await Observe(clientPump);
        await Observe(serverPump);
        return exitCode;
    }

    private static ValueTask RefuseOversizedAsync(RelayChannels channels, CancellationToken cancellationToken) =>
        channels.ToClient.WriteLineAsync(
            JsonRpcMessages.Error(null, McpErrorCode.InvalidRequest.AsInt(), "Invalid request: the message is larger than McpGuard accepts."),
            flush: true,
            cancellationToken);

    /// <summary>Every request still in flight gets an answer: the client never waits on a dead server.</summary>
    private static async Task AnswerPendingAsync(RelayChannels channels, int exitCode)
    {
        var message = $"The MCP server exited (code {exitCode}) before answering.";
        foreach (var pending in channels.ClientRequests.Drain())
        {
            if (pending.OwnResponse is { } own)
            {
                own.TrySetException(new IOException(message));
                continue;
            }

            try
            {
                await channels.ToClient.WriteLineAsync(JsonRpcMessages.Error(pending.Id, McpErrorCode.InternalError.AsInt(), message), flush: true, CancellationToken.None);
            }
            catch (IOException)
            {
                return;
            }
        }

        foreach (var pending in channels.ServerRequests.Drain())
        {
            pending.OwnResponse?.TrySetException(new IOException(message));
        }

        await channels.ToClient.DisposeAsync();
    }

    private async Task Observe(Task pump)
    {
        if (!pump.IsCompleted)
        {
            return;
        }

        try
        {
            await pump;
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException ex)
        {
            LogPumpEnded(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started server {Command} (pid {Pid}).")]
    private static partial void LogChildStarted(ILogger logger, string command, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: {Why}.")]
    private static partial void LogClientGone(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Server (pid {Pid}) exited with code {ExitCode}.")]
    private static partial void LogChildExited(ILogger logger, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A pump ended with an I/O error.")]
    private static partial void LogPumpEnded(ILogger logger, Exception exception);
}
