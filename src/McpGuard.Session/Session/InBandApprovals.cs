using System.Collections.Concurrent;

namespace McpGuard.Session;

/// <summary>
/// The guard's memory of in-band (input_required) rounds in the 2026-07-28 era: which approval questions are still
/// open (each answerable once), and which server rounds continue which logical call. Both are bounded: entries
/// expire with their deadline, and past <see cref="MaxEntries"/> the oldest are forgotten (a forgotten question
/// is simply asked again; a forgotten round is judged as a fresh call).
/// </summary>
internal sealed class InBandApprovals(TimeProvider time)
{
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RoundLink> _rounds = new(StringComparer.Ordinal);

    /// <summary>Remembers a question the guard just asked, by its logical call id.</summary>
    public void Asked(ApprovalClaims claims)
    {
        Prune(_open, static deadline => deadline, time.GetUtcNow());
        _open[claims.CallId] = claims.Deadline;
    }

    /// <summary>
    /// Takes an open question's answer: true once per question, so one approval lets one call through.
    /// </summary>
    public bool TryAnswer(ApprovalClaims claims) => _open.TryRemove(claims.CallId, out _);

    /// <summary>Remembers a server's own round under its <c>requestState</c>.</summary>
    public void ServerAskedFor(string serverState, RoundLink link)
    {
        Prune(_rounds, static round => round.Expires, time.GetUtcNow());
        _rounds[serverState] = link;
    }

    /// <summary>
    /// The logical call a retry continues, by the server's <c>requestState</c> it carries (taken once), when the
    /// retry comes from the agent whose call it is: another agent's retry neither continues nor uses it up.
    /// </summary>
    public bool TryContinue(
        string serverState,
        string? agent,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RoundLink? link)
    {
        if (_rounds.TryGetValue(serverState, out link) && link.Agent == agent
            && _rounds.TryRemove(new KeyValuePair<string, RoundLink>(serverState, link))
            && link.Expires >= time.GetUtcNow())
        {
            return true;
        }

        link = null;
        return false;
    }

    /// <summary>
    /// Once full, forgets the expired entries, then the live ones closest to expiring down to three quarters: a
    /// quarter of the room is made at once, so the sort runs once per <see cref="MaxEntries"/> / 4 questions, not
    /// on every question once half full (8,192 questions took 35 s at load, a sort of 4,096 entries each).
    /// Expired entries left until then answer nothing: a token carries its own deadline.
    /// </summary>
    private static void Prune<T>(
        ConcurrentDictionary<string, T> entries, Func<T, DateTimeOffset> expiry, DateTimeOffset now)
    {
        if (entries.Count < MaxEntries)
        {
            return;
        }

        foreach (var (key, value) in entries)
        {
            if (expiry(value) < now)
            {
                entries.TryRemove(key, out _);
            }
        }

        const int Kept = MaxEntries - (MaxEntries / 4);
        var oldest = entries.OrderBy(e => expiry(e.Value)).Take(Math.Max(0, entries.Count - Kept)).ToList();
        foreach (var (key, _) in oldest)
        {
            entries.TryRemove(key, out _);
        }
    }
}
