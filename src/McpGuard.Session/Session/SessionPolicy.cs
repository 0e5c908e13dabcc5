using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Limits;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// The policy as a transport holds it: what starts a session, its approver and the counter store's readiness probe,
/// with no policy type in what a transport calls. The transports do not reference McpGuard.Policy
/// (docs/architecture.md "The layers"); the tool's composition wraps the engine it built.
/// </summary>
internal sealed class SessionPolicy(PolicyEngine engine)
{
    /// <summary>For the tool and the core only: a transport that names it does not build.</summary>
    public PolicyEngine Engine => engine;

    /// <summary>What the counter store calls itself in messages ("the SQLite store at ...", "Redis at ...").</summary>
    public string CounterStoreDescription => engine.Counters.Description;

    /// <summary>
    /// One read of the policy's counters: null when the store answers, else why not, in a sentence that names the
    /// store ("the Redis store at … cannot be read: …"). Anything but the store's own failure is thrown.
    /// </summary>
    public async Task<string?> CounterStoreProblemAsync(CancellationToken cancellationToken)
    {
        try
        {
            await engine.Counters.ReadAsync(
                engine.Policy.CounterNamespace, engine.TimeProvider.GetUtcNow(), cancellationToken);
            return null;
        }
        catch (CounterStoreException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The approver of a session whose own client is reached through <paramref name="channel"/>.</summary>
    public IApprover Approver(ElicitationChannel channel, ILoggerFactory loggerFactory) =>
        Approvers.Create(engine, channel, loggerFactory);

    /// <summary>A new session under this policy (<see cref="GuardSession"/>'s constructor).</summary>
    public GuardSession NewSession(
        IClientPeer client,
        IServerPeer server,
        Func<SessionChannels, IApprover> approverFor,
        IAuditLog audit,
        SessionOptions options,
        string serverName,
        ILoggerFactory loggerFactory,
        CancellationToken sessionStopping) =>
        new(client, server, engine, approverFor, audit, options, serverName, loggerFactory, sessionStopping);
}
