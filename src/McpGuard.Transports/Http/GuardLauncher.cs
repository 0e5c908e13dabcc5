using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Http.Upstream;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging;

namespace McpGuard.Http;

/// <summary>
/// Everything needed to start one guarded session: the same guard <c>run</c> is, once per session, in front of a
/// child (<paramref name="commandLine"/>) or of a remote server (<paramref name="upstream"/>, docs/remote.md).
/// </summary>
internal sealed partial class GuardLauncher(
    SessionPolicy policy,
    IAuditLog audit,
    RelayOptions options,
    IReadOnlyList<string> commandLine,
    string serverName,
    ILoggerFactory loggerFactory,
    Stream childStderr,
    (UpstreamOptions Options, HttpMessageInvoker Http)? upstream = null)
{
    public SessionPolicy Policy => policy;

    public RelayOptions Options => options;

    public ILoggerFactory LoggerFactory => loggerFactory;

    /// <summary>Whether a session could reach its server now: the child's command can start, or the upstream
    /// answers (<see cref="ServerReach"/>).</summary>
    public async Task<ReadinessOutcome> ReachServerAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        upstream is { } remote
            ? await ServerReach.UpstreamAsync(remote.Http, remote.Options, timeout, cancellationToken)
            : ServerReach.Command(commandLine[0], Environment.GetEnvironmentVariable("PATH"));

    /// <summary>
    /// Starts the session, with its child when there is one; the relay runs until the client side ends, the child
    /// dies, or <paramref name="stopping"/> fires. What the session sends towards its client goes to
    /// <paramref name="router"/>; the client's messages go in through the returned inlet.
    /// </summary>
    /// <exception cref="ChildStartException">The server command could not be started.</exception>
    /// <param name="agent">The one agent this session serves (a 2025 session): its audit records name it.</param>
    /// <param name="sessionId">The 2025 session's id, on its spans as <c>mcp.session.id</c>; null for the shared
    /// child.</param>
    /// <param name="requestAgents">The shared child's: who sent each request (audit, approval, <c>scope:
    /// agent</c>).</param>
    public (IGuardRelay Relay, Task<int> Running, IGatewayInlet Inlet) Start(
        SessionRouter router,
        string? agent,
        string? sessionId,
        CancellationToken stopping,
        IRequestAgents? requestAgents = null)
    {
        var log = AgentAuditLog.For(audit, agent);

        // Spans name the session's agent (a 2025 session has one; shared 2026-07-28 traffic is the gateway's own).
        var relayOptions = agent is null ? options
            : options with { Session = options.Session with { Agent = agent, SessionId = sessionId } };
        if (requestAgents is not null)
        {
            // Its clients speak 2026-07-28, which takes no requests from a server: the guard answers them.
            relayOptions = relayOptions with
            {
                Session = relayOptions.Session with { RequestAgents = requestAgents, ClientTakesNoRequests = true },
            };
        }

        // A call waiting for a person is answered with an event stream at once (docs/serve.md).
        relayOptions = relayOptions with
        {
            Session = relayOptions.Session with { WaitsForPerson = router.WaitingForPersonAsync },
        };

        IApprover ApproverFor(SessionChannels channels) =>
            policy.Approver(new ElicitationChannel(channels), loggerFactory);

        if (upstream is { } remote)
        {
            // No pipes: the requests' messages go into the session and its output to the router directly.
            var client = new GatewayRelayClient(router);
            var remoteRelay = new RemoteRelay(
                policy, ApproverFor, log, relayOptions, remote.Options, remote.Http, loggerFactory);
            return (remoteRelay, remoteRelay.RunAsync(serverName, client, stopping), client);
        }

        var pipes = new PipeInlet(router, options.Session.MaxMessageBytes + 1);
        var relay = new StdioRelay(policy, ApproverFor, log, relayOptions, loggerFactory);
        var running = relay.RunAsync(
            commandLine, serverName, pipes.ClientInput, pipes.ClientOutput, childStderr, stopping);
        if (running.IsFaulted && running.Exception.InnerException is ChildStartException start)
        {
            // The request gets the reason too; the operator reads it here (run exits with it instead).
            LogStartFailed(loggerFactory.CreateLogger<GuardLauncher>(), TerminalText.Printable(start.Message));
            throw start;
        }

        return (relay, running, pipes);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot start the server for a request: {Why}")]
    private static partial void LogStartFailed(ILogger logger, string why);
}
