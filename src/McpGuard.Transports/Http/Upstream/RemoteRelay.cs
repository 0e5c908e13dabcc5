using System.Threading.Channels;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging;

namespace McpGuard.Http.Upstream;

/// <summary>
/// One guarded session whose server is remote: a stdio client's (<c>mcpguard run --url</c>) or, behind the
/// gateway, a 2025 session's or the shared 2026-07-28 traffic's (<c>serve --url</c>), <see cref="IRelayClient"/>.
/// The session is the same as for a child; the upstream stands where the child's stdin and stdout would be
/// (<see cref="UpstreamPeer"/>, <see cref="SessionSink"/>), so every message from the upstream is judged exactly
/// like a child's line. The session ends with the client: requests still running get the shutdown grace, then a
/// 2025 session is ended with DELETE. <paramref name="http"/> is the guard's one pooled client for the upstream
/// (serve runs a relay per 2025 session on it).
/// </summary>
internal sealed partial class RemoteRelay(
    SessionPolicy policy,
    Func<SessionChannels, IApprover> approverFor,
    IAuditLog audit,
    RelayOptions options,
    UpstreamOptions upstream,
    HttpMessageInvoker http,
    ILoggerFactory loggerFactory) : IGuardRelay
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RemoteRelay>();
    private readonly Channel<bool> _reloads =
        Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Called by the policy watcher after a valid new version took effect.</summary>
    public Task OnPolicyReloadedAsync(bool hiddenChanged)
    {
        _reloads.Writer.TryWrite(hiddenChanged);
        return Task.CompletedTask;
    }

    /// <summary>Relays a stdio client until it ends the session or <paramref name="stopping"/> fires.</summary>
    /// <returns>0: the upstream has no exit code, and its failures were answered request by request.</returns>
    public Task<int> RunAsync(
        string serverName, Stream clientInput, Stream clientOutput, CancellationToken stopping) =>
        RunAsync(
            serverName,
            new StdioRelayClient(clientInput, clientOutput, options.Session.MaxMessageBytes, _logger),
            stopping);

    /// <summary>Relays until the client ends the session or <paramref name="stopping"/> fires.</summary>
    /// <returns>0: the upstream has no exit code, and its failures were answered request by request.</returns>
    public async Task<int> RunAsync(string serverName, IRelayClient relayClient, CancellationToken stopping)
    {
        using var relayCancellation = new CancellationTokenSource();
        var token = relayCancellation.Token;
        using var sink = new SessionSink(token);
        using var client = new UpstreamClient(http, upstream, sink, loggerFactory.CreateLogger<UpstreamClient>());

        // The upstream stands where a child would: judged messages go straight to its client, and its answers
        // straight into the session's server direction (UpstreamPeer, SessionSink), with no pipe between.
        var toUpstream = new UpstreamPeer((message, read, cancel) => client.SendAsync(message, read, cancel), token);
        var session = policy.NewSession(
            relayClient.Output, toUpstream, approverFor, audit,
            options.Session with { ServerSessionId = () => client.SessionId }, serverName, loggerFactory, token);
        sink.Attach(session);
        var clientInput = relayClient.FeedAsync(session, token);
        var sender = toUpstream.Completion;
        var reloads = ApplyReloadsAsync(session, token);
        var stopRequested = Task.Delay(Timeout.Infinite, stopping);

        var upstreamEnded = client.SessionEnded;
        var first = await Task.WhenAny(clientInput, stopRequested, session.ClientGone, sender, upstreamEnded);
        if (first == clientInput)
        {
            LogInputEnded(_logger, options.ClientInputEnded);
        }
        else
        {
            LogEnding(_logger, first == stopRequested ? "a stop signal"
                : first == upstreamEnded ? "the upstream ended its session (HTTP 404); the client must initialize again"
                : "the client is gone");
        }


        // What the client sent before it left still goes out, also a call held for the guard's own tools/list or its
        // count; answers come back while the grace lasts.
        if (first == clientInput)
        {
            await session.SettleAsync(options.Shutdown.AfterStdinClosed);
        }

        await session.Channels.ToServer.DisposeAsync();
        await Task.WhenAny(sender, Task.Delay(options.Shutdown.AfterStdinClosed, CancellationToken.None));
        await client.CloseAsync(options.Shutdown.AfterStdinClosed);
        await Task.WhenAny(sink.CompleteAsync(), Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));

        await relayCancellation.CancelAsync();
        await session.EndAsync(first == upstreamEnded
            ? "The MCP server ended its session before answering."
            : "McpGuard is shutting down: the MCP server had not answered.");
        foreach (var task in (Task[])[clientInput, sender, reloads])
        {
            await Observe(task);
        }

        return 0;
    }

    private async Task ApplyReloadsAsync(GuardSession session, CancellationToken cancellationToken)
    {
        while (_reloads.Reader.TryRead(out _))
        {
        }

        await foreach (var hiddenChanged in _reloads.Reader.ReadAllAsync(cancellationToken))
        {
            await session.OnPolicyReloadedAsync(hiddenChanged);
        }
    }

    private async Task Observe(Task task)
    {
        if (!task.IsCompleted)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException ex)
        {
            LogPumpEnded(_logger, ex);
        }
    }

    /// <summary>
    /// Said once by the command that guards the upstream (<c>run --url</c>, <c>serve --url</c>), not by each
    /// session: <c>serve</c> runs one relay per session, and said it for every one.
    /// </summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Guarding the remote server {Upstream}.")]
    public static partial void LogUpstream(ILogger logger, string upstream);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: {Why}.")]
    private static partial void LogEnding(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogInputEnded(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A pump ended with an I/O error.")]
    private static partial void LogPumpEnded(ILogger logger, Exception exception);
}
