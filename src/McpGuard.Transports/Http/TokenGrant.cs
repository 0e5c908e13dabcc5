using System.Diagnostics.CodeAnalysis;
using McpGuard.Http.Bearer;

namespace McpGuard.Http;

/// <summary>
/// One token's admission while the file keeps it under the same name: a later read that still has it keeps the
/// grant (and what was opened with it); one that has not cancels its <see cref="AuthOutcome.Accepted.Revoked"/>.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The source has no timer: nothing to release.")]
internal sealed class TokenGrant
{
    private readonly CancellationTokenSource _revoked = new();

    public TokenGrant(string name) => Accepted = new AuthOutcome.Accepted(name) { Revoked = _revoked.Token };

    public AuthOutcome.Accepted Accepted { get; }

    public string Name => Accepted.Agent;

    /// <summary>Ends what the token opened; the callbacks run on the thread pool, under no lock of ours.</summary>
    public void Revoke() =>
        ThreadPool.UnsafeQueueUserWorkItem(static revoked => revoked.Cancel(), _revoked, preferLocal: false);
}
