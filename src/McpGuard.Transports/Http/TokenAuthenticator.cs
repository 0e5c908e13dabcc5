using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using McpGuard.Http.Bearer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Http;

/// <summary>
/// Bearer tokens per agent: the presented token's SHA-256 is looked up among the hashes in <c>agents.yaml</c>. The
/// file's time and size are checked on every request (and every second by <see cref="WatchAsync"/>) and it is read
/// again when they changed, so <c>agents revoke</c> takes effect at once: from the next request on, and the revoked
/// token's open streams and sessions end (each accepted token carries a <see cref="AuthOutcome.Accepted.Revoked"/>).
/// </summary>
/// <remarks>
/// The lookup is by the digest, in a table made when the file is read: one hash and one probe a request, however many
/// agents there are. Its time can depend only on how the presented token's SHA-256 compares with the stored ones,
/// which tells a guesser nothing about a token (finding a token for a digest is what SHA-256 rules out).
/// </remarks>
internal sealed class TokenAuthenticator : IRequestAuthenticator
{
    /// <summary>Tokens up to this many UTF-8 bytes are hashed without an allocation.</summary>
    private const int StackTokenBytes = 256;

    private readonly AgentTokens _tokens;

    /// <summary>Reads the file at once, so a missing or broken one is said when serve starts.</summary>
    public TokenAuthenticator(string path, Func<string, IReadOnlyList<AgentToken>> read, ILogger? logger = null) =>
        _tokens = new AgentTokens(path, read, logger ?? NullLogger.Instance);

    public ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        new(Outcome(bearerToken, _tokens.Current()));

    /// <summary>
    /// The header this connection presented last, while agents.yaml is the same, names the agent it named then: no
    /// hash per request (SHA-256 through OpenSSL was ~6,000 instructions of a `serve --url` call, callgrind). The
    /// headers are compared in constant time, and the file is still checked first, so a revocation applies from the
    /// next request as before.
    /// </summary>
    public ValueTask<AuthOutcome> AuthenticateAsync(
        string? authorization, IDictionary<object, object?> connection, CancellationToken cancellationToken)
    {
        var agents = _tokens.Current();
        if (authorization is not null && connection.TryGetValue(typeof(Presented), out var known)
            && known is Presented presented
            && ReferenceEquals(presented.Agents, agents) && SameHeader(presented.Authorization, authorization))
        {
            return new(presented.Outcome);
        }

        var outcome = Outcome(IRequestAuthenticator.BearerToken(authorization), agents);
        if (authorization is not null && outcome is AuthOutcome.Accepted)
        {
            connection[typeof(Presented)] = new Presented(authorization, agents, outcome);
        }

        return new(outcome);
    }

    /// <summary>
    /// Compared in constant time, eight bytes at a step: <see cref="CryptographicOperations.FixedTimeEquals"/> steps
    /// a byte at a time (1,416 instructions for a 60-character header, callgrind); the time still depends on the
    /// length alone.
    /// </summary>
    private static bool SameHeader(string known, string presented)
    {
        if (known.Length != presented.Length)
        {
            return false;
        }

        var left = MemoryMarshal.AsBytes(known.AsSpan());
        var right = MemoryMarshal.AsBytes(presented.AsSpan());
        ulong difference = 0;
        var at = 0;
        for (; at + sizeof(ulong) <= left.Length; at += sizeof(ulong))
        {
            difference |= MemoryMarshal.Read<ulong>(left[at..]) ^ MemoryMarshal.Read<ulong>(right[at..]);
        }

        for (; at < left.Length; at++)
        {
            difference |= (uint)(left[at] ^ right[at]);
        }

        return difference == 0;
    }

    private static AuthOutcome Outcome(string? bearerToken, Dictionary<(UInt128, UInt128), TokenGrant> agents) =>
        bearerToken is null ? new AuthOutcome.Refused(false, "no bearer token")
            : Authenticate(bearerToken, agents) is { } grant ? grant.Accepted
            : new AuthOutcome.Refused(true, "unknown or revoked token");

    /// <summary>The grant of the agent the token belongs to; null when it belongs to none.</summary>
    private static TokenGrant? Authenticate(string token, Dictionary<(UInt128, UInt128), TokenGrant> agents)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        Span<byte> utf8 = length <= StackTokenBytes ? stackalloc byte[StackTokenBytes] : new byte[length];
        var written = Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], digest);
        return agents.GetValueOrDefault(AgentTokens.Key(digest));
    }

    /// <summary>
    /// Reads the file again whenever it changed, so a token revoked while its agent sends nothing still ends the
    /// streams and sessions it holds open, within about <paramref name="every"/>.
    /// </summary>
    public async Task WatchAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            _tokens.Current();
        }
    }

    /// <summary>What one connection's accepted <c>Authorization</c> header named, under which agents table.</summary>
    private sealed record Presented(
        string Authorization, Dictionary<(UInt128, UInt128), TokenGrant> Agents, AuthOutcome Outcome);
}
