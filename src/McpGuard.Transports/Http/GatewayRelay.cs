using System.Diagnostics.CodeAnalysis;
using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// One guarded session behind the gateway: a 2025 session's, or the shared one of 2026-07-28 traffic. Messages from
/// HTTP go in through its inlet (the bytes that were judged are what the server gets), and what the guard sends
/// towards the client comes out through a <see cref="SessionRouter"/> to the waiting requests.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The source's timer is never created: nothing to release.")]
internal sealed class GatewayRelay
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IGatewayInlet _inlet;

    /// <exception cref="ChildStartException">The server command could not be started.</exception>
    /// <param name="agent">The agent of a 2025 session; null for the shared child, whose requests come from
    /// many.</param>
    /// <param name="sessionId">The 2025 session's <c>Mcp-Session-Id</c>, for telemetry; null for the shared
    /// child.</param>
    /// <param name="requestAgents">The shared child's: who sent each request it carries.</param>
    public GatewayRelay(
        GuardLauncher launcher,
        bool sharedByClients,
        string? agent,
        string? sessionId = null,
        IRequestAgents? requestAgents = null)
    {
        Router = new SessionRouter(relatedOnly: sharedByClients);
        (Relay, Running, _inlet) = launcher.Start(Router, agent, sessionId, _stop.Token, requestAgents);
    }

    public IGuardRelay Relay { get; }

    public SessionRouter Router { get; }

    /// <summary>Completes with the child's exit code when the relay is over, however it ended.</summary>
    public Task<int> Running { get; }

    /// <summary>Hands the guard one message; false when the session is already ending.</summary>
    /// <inheritdoc cref="IGatewayInlet.SendAsync" path="/param"/>
    public ValueTask<bool> SendAsync(
        ReadOnlyMemory<byte> message, ClientMessage? validated, CancellationToken cancellationToken) =>
        Running.IsCompleted ? ValueTask.FromResult(false) : _inlet.SendAsync(message, validated, cancellationToken);

    /// <summary>Ends the session as a client's end of input would (docs/relay.md#shutdown) and waits for it.</summary>
    public async Task EndAsync()
    {
        await _inlet.EndAsync();
        await Running.ContinueWith(_ => { }, TaskScheduler.Default);
        await _inlet.Routed;
    }

    /// <summary>Stops the relay as a signal would (shutdown): the child is asked to exit, then killed.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Running.ContinueWith(_ => { }, TaskScheduler.Default);
        await _inlet.Routed;
    }
}
