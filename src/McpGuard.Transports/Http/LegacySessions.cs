using System.Collections.Concurrent;
using System.Security.Cryptography;
using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// The open 2025-era sessions, by id: opened at <c>initialize</c>, ended by DELETE, idleness, or shutdown.
/// </summary>
/// <param name="startRelay">Starts a session's guarded child for (agent, session id); a test's seam, by default
/// the launcher's child.</param>
internal sealed class LegacySessions(
    GuardLauncher launcher,
    int max,
    TimeSpan idle,
    TimeProvider clock,
    Func<string, string, GatewayRelay>? startRelay = null)
{
    private readonly Func<string, string, GatewayRelay> _startRelay = startRelay
        ?? ((agent, id) => new GatewayRelay(launcher, sharedByClients: false, agent, id));

    private readonly ConcurrentDictionary<string, LegacySession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Sessions gone for their clients whose children are still ending; shutdown waits for them.</summary>
    private readonly ConcurrentDictionary<LegacySession, Task> _ending = new();

    /// <summary>
    /// Sessions open plus those whose child is still starting: what <c>sessions.max</c> bounds. A slot is taken
    /// before the child starts (a process spawn), else <c>initialize</c>s arriving together all find room.
    /// </summary>
    private int _taken;

    public int Count => _sessions.Count;

    /// <summary>
    /// Starts a child for a new session; null when <c>sessions.max</c> are open. The session ends when
    /// <paramref name="revoked"/> fires (the token that opened it was revoked), as a DELETE would end it.
    /// </summary>
    /// <exception cref="ChildStartException">The server command could not be started.</exception>
    public LegacySession? Open(string agent, CancellationToken revoked = default)
    {
        if (Interlocked.Increment(ref _taken) > max)
        {
            Interlocked.Decrement(ref _taken);
            return null;
        }

        // 192 random bits, URL-safe: unguessable, so one session id never reaches another's messages.
        var id = Convert.ToBase64String(KernelRandom.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        GatewayRelay relay;
        try
        {
            relay = _startRelay(agent, id);
        }
        catch
        {
            Interlocked.Decrement(ref _taken);
            throw;
        }

        var session = new LegacySession(id, agent, relay, clock, revoked);
        _sessions[id] = session;
        var revocation = revoked.UnsafeRegister(
            static state =>
            {
                var (sessions, session) = ((LegacySessions, LegacySession))state!;
                sessions.End(session);
            },
            (this, session));
        _ = session.Relay.Running.ContinueWith(
            _ =>
            {
                revocation.Dispose();
                Remove(id);
            },
            TaskScheduler.Default);
        return session;
    }

    /// <summary>
    /// The open session with this id. One whose token was revoked is not found even while its revocation is still
    /// ending it: the revoked token's stream may end first, and a request after that must not reach the session.
    /// </summary>
    public bool TryGet(string id, out LegacySession session) =>
        _sessions.TryGetValue(id, out session!) && !session.Revoked;

    /// <summary>
    /// DELETE, idleness, revocation: the session is gone for its client at once; its child is ended in the
    /// background as on client EOF (docs/relay.md#shutdown), which can take the shutdown timeouts, so nobody waits
    /// for it but shutdown (<see cref="StopAllAsync"/>).
    /// </summary>
    public void End(LegacySession session)
    {
        Remove(session.Id);
        var ending = session.Relay.EndAsync();
        _ending[session] = ending;
        _ = ending.ContinueWith(
            ended => _ending.TryRemove(KeyValuePair.Create(session, ended)), TaskScheduler.Default);
    }

    /// <summary>The session is gone for its client: its slot is free (once, whoever removes it first).</summary>
    private void Remove(string id)
    {
        if (_sessions.TryRemove(id, out _))
        {
            Interlocked.Decrement(ref _taken);
        }
    }

    /// <summary>Ends every session with nothing open or arriving for longer than <c>sessions.idle</c>.</summary>
    public async Task SweepIdleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(idle.TotalSeconds / 4, 1, 60)), clock);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var session in _sessions.Values.Where(s => s.Idle > idle))
            {
                End(session);
            }
        }
    }

    /// <summary>Shutdown, the drain ran out: every request still waiting gets an error saying why.</summary>
    public Task AnswerInFlightAsync(string why) =>
        Task.WhenAll(_sessions.Values.Select(s => s.Relay.Router.AnswerInFlightAsync(why)));

    /// <summary>
    /// Shutdown: every child is stopped as on a signal (docs/relay.md#shutdown), all at once, and the children of
    /// sessions that ended before are waited for, so none outlives the gateway.
    /// </summary>
    public Task StopAllAsync() =>
        Task.WhenAll(_sessions.Values.Select(s => s.Relay.StopAsync()).Concat(_ending.Values));

    /// <summary>A policy reload reaches every session (a changed hide list tells each client to list again).</summary>
    public async Task OnPolicyReloadedAsync(bool hiddenChanged)
    {
        foreach (var session in _sessions.Values)
        {
            await session.Relay.Relay.OnPolicyReloadedAsync(hiddenChanged);
        }
    }
}
