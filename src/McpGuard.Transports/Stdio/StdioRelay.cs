using System.Threading.Channels;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Session;
using Microsoft.Extensions.Logging;

namespace McpGuard.Stdio;

/// <summary>
/// The stdio transport: runs the child server, a <see cref="GuardSession"/> fed by a line pump per direction
/// (the client's stdin, the child's stdout) that sends through a <see cref="LineSink"/> per direction (the client's
/// stdout, the child's stdin), and the shutdown order of docs/relay.md. It frames lines; the session decides.
/// </summary>
internal sealed partial class StdioRelay(
    SessionPolicy policy,
    Func<SessionChannels, IApprover> approverFor,
    IAuditLog audit,
    RelayOptions options,
    ILoggerFactory loggerFactory) : IGuardRelay
{
    /// <summary>How long a server that died at once waits for the client's first message (docs/relay.md).</summary>
    private static readonly TimeSpan s_firstMessageGrace = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger = loggerFactory.CreateLogger<StdioRelay>();

    /// <summary>Reloads announced by the policy watcher, taken by the running session (it may not exist yet).</summary>
    private readonly Channel<bool> _reloads =
        Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Called by the policy watcher after a valid new version took effect.</summary>
    public Task OnPolicyReloadedAsync(bool hiddenChanged)
    {
        _reloads.Writer.TryWrite(hiddenChanged);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Relays until the client or the server ends the session, or <paramref name="stopping"/> fires;
    /// <paramref name="hurried"/> (a second stop signal) cuts the server's shutdown short (docs/relay.md#lifecycle).
    /// </summary>
    /// <returns>The child's exit code.</returns>
    /// <exception cref="ChildStartException">The server command could not be started.</exception>
    public async Task<int> RunAsync(
        IReadOnlyList<string> commandLine,
        string serverName,
        Stream clientInput,
        Stream clientOutput,
        Stream stderr,
        CancellationToken stopping,
        CancellationToken hurried = default)
    {
        // The child, shielded from a modern client's first request before any session exists (ShieldedChild).
        using var child = ShieldedChild.Start(commandLine, stderr, _logger, options.ChildOutputReadsInline);

        using var relayCancellation = new CancellationTokenSource();
        var token = relayCancellation.Token;
        var session = policy.NewSession(
            new LineSink(clientOutput),
            new LineSink(child.StandardInput),
            approverFor,
            audit,
            options.Session,
            serverName,
            loggerFactory,
            token);
        var maxBytes = options.Session.MaxMessageBytes;

        // Client→server batches only towards the server; its rare replies to the client are flushed at once.
        // Server→client runs on its own, so a client that is not reading its answers never stops its requests.
        var clientPump = new MessagePump(
            "client→server",
            session.HandleClientMessageAsync,
            session.RefuseOversizedClientMessageAsync,
            session.ClientBatchEndedAsync,
            maxBytes,
            _logger);
        var serverPump = new MessagePump(
            "server→client",
            session.HandleServerMessageAsync,
            _ => ValueTask.CompletedTask,
            session.ServerBatchEndedAsync,
            maxBytes,
            _logger);
        var serverPumping = OnOwnThread(() => serverPump.RunAsync(child.StandardOutput, token));
        var clientPumping = OnOwnThread(() => clientPump.RunAsync(clientInput, token));
        var reloads = ApplyReloadsAsync(session, token);
        var stopRequested = Task.Delay(Timeout.Infinite, stopping);

        var first = await Task.WhenAny(clientPumping, serverPumping, child.Exited, stopRequested, session.ClientGone);
        int exitCode;
        string unanswered;
        if (first == serverPumping && session.Channels.ToClient.IsBroken)
        {
            first = session.ClientGone;
        }

        if (first == clientPumping || first == stopRequested || first == session.ClientGone)
        {
            // Client EOF, a client that closed our stdout, or a signal: close the child's stdin and let it finish
            // what it has; then escalate.
            if (first == clientPumping)
            {
                LogInputEnded(_logger, options.ClientInputEnded);
            }
            else
            {
                LogClientGone(
                    _logger, first == stopRequested ? "a stop signal" : "the client closed its end of stdout");
            }

            if (first == clientPumping)
            {
                // What the client sent before its EOF still reaches the server, also a call held for the guard's
                // own tools/list or its count: the child's stdin closes after them.
                await Task.WhenAny(session.SettleAsync(options.Shutdown.AfterStdinClosed), child.Exited);
            }

            await session.Channels.ToServer.DisposeAsync();
            exitCode = await child.StopAsync(options.Shutdown, hurried);
            await Task.WhenAny(serverPumping, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
            unanswered = first == clientPumping
                ? $"{options.UnansweredWhenInputEnded}: the MCP server ended (code {exitCode}) before it answered."
                : $"McpGuard is shutting down: the MCP server ended (code {exitCode}) before it answered.";
        }
        else
        {
            // The server went away: it may still be flushing its last answers, so drain its stdout first.
            await Task.WhenAny(serverPumping, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
            exitCode = await child.StopAsync(options.Shutdown, hurried);
            unanswered = $"The MCP server exited (code {exitCode}) before answering.";
        }

        LogChildExited(_logger, child.Id, exitCode);
        if (first != clientPumping && first != stopRequested && !clientPump.FirstLinesHandled.IsCompleted)
        {
            // The server died before the client's first message was read (a crash at start, or before this guard
            // got to its input): a client writes initialize as soon as it spawned us, and it gets the error naming
            // the exit rather than an unanswered request and an EOF. Bounded: a client may say nothing.
            await Task.WhenAny(
                clientPump.FirstLinesHandled,
                clientPumping,
                stopRequested,
                Task.Delay(s_firstMessageGrace, CancellationToken.None));
        }

        await relayCancellation.CancelAsync();
        await session.EndAsync(unanswered);
        await Observe(clientPumping);
        await Observe(serverPumping);
        await Observe(reloads);

        // A give-back the server pump started while it finished: done before the caller closes the store.
        await session.Channels.Background.DrainAsync();
        return exitCode;
    }

    /// <summary>
    /// Starts a pump on a dedicated thread. Both inputs are read with blocking reads (the console stream always
    /// does; the child's stdout through <see cref="InlineReadStream"/>), so the thread the kernel wakes for a line
    /// handles and forwards it, without a hand-off to the thread pool, and neither pump blocks the caller or a
    /// pool thread while it waits. A sink held by another writer is waited for on the thread too
    /// (<see cref="PumpThread"/>); a pump that waits asynchronously for anything else (a full pipe) goes on from the
    /// pool.
    /// </summary>
    private static Task OnOwnThread(Func<Task> pump) =>
        Task.Factory.StartNew(
                () =>
                {
                    PumpThread.MarkCurrent();
                    return pump();
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)
            .Unwrap();

    private async Task ApplyReloadsAsync(GuardSession session, CancellationToken cancellationToken)
    {
        // A reload announced before this session existed concerns nothing the client has seen.
        while (_reloads.Reader.TryRead(out _))
        {
        }

        await foreach (var hiddenChanged in _reloads.Reader.ReadAllAsync(cancellationToken))
        {
            await session.OnPolicyReloadedAsync(hiddenChanged);
        }
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


    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: {Why}.")]
    private static partial void LogClientGone(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogInputEnded(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Server (pid {Pid}) exited with code {ExitCode}.")]
    private static partial void LogChildExited(ILogger logger, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A pump ended with an I/O error.")]
    private static partial void LogPumpEnded(ILogger logger, Exception exception);
}
