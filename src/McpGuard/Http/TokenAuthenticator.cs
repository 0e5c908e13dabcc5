using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using McpGuard.Http.Bearer;
using McpGuard.Policy.Agents;
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
internal sealed partial class TokenAuthenticator : IRequestAuthenticator
{
    /// <summary>Tokens up to this many UTF-8 bytes are hashed without an allocation.</summary>
    private const int StackTokenBytes = 256;

    /// <summary>The length before the first read: unlike any file's, also unlike a missing file's (-1).</summary>
    private const long NeverRead = -2;

    /// <summary>This thread's status of the file last checked on it (<see cref="StatOf"/>).</summary>
    [ThreadStatic]
    private static (string Path, FileInfo Info)? t_file;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly ILogger _logger;
    private Dictionary<(UInt128, UInt128), Grant> _agents = [];
    private DateTime _readAt = DateTime.MinValue;
    private long _length = NeverRead;

    /// <summary>Reads the file at once, so a missing or broken one is said when serve starts.</summary>
    public TokenAuthenticator(string path, ILogger? logger = null)
    {
        _path = path;
        _logger = logger ?? NullLogger.Instance;
        Agents();
    }

    public ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        new(Outcome(bearerToken, Agents()));

    /// <summary>
    /// The header this connection presented last, while agents.yaml is the same, names the agent it named then: no
    /// hash per request (SHA-256 through OpenSSL was ~6,000 instructions of a `serve --url` call, callgrind). The
    /// headers are compared in constant time, and the file is still checked first, so a revocation applies from the
    /// next request as before.
    /// </summary>
    public ValueTask<AuthOutcome> AuthenticateAsync(
        string? authorization, IDictionary<object, object?> connection, CancellationToken cancellationToken)
    {
        var agents = Agents();
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

    private static AuthOutcome Outcome(string? bearerToken, Dictionary<(UInt128, UInt128), Grant> agents) =>
        bearerToken is null ? new AuthOutcome.Refused(false, "no bearer token")
            : Authenticate(bearerToken, agents) is { } grant ? grant.Accepted
            : new AuthOutcome.Refused(true, "unknown or revoked token");

    /// <summary>The grant of the agent the token belongs to; null when it belongs to none.</summary>
    private static Grant? Authenticate(string token, Dictionary<(UInt128, UInt128), Grant> agents)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        Span<byte> utf8 = length <= StackTokenBytes ? stackalloc byte[StackTokenBytes] : new byte[length];
        var written = Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], digest);
        return agents.GetValueOrDefault(Key(digest));
    }

    private static (UInt128, UInt128) Key(ReadOnlySpan<byte> digest) =>
        (MemoryMarshal.Read<UInt128>(digest), MemoryMarshal.Read<UInt128>(digest[16..]));

    /// <summary>
    /// The first agent named for each hash, in the file's order (a later duplicate is never chosen); a hash that
    /// <paramref name="before"/> had under the same name keeps its grant.
    /// </summary>
    private static Dictionary<(UInt128, UInt128), Grant> ByHash(
        IReadOnlyList<AgentEntry> entries, Dictionary<(UInt128, UInt128), Grant> before)
    {
        var agents = new Dictionary<(UInt128, UInt128), Grant>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.TokenHash.Length == SHA256.HashSizeInBytes)
            {
                var key = Key(entry.TokenHash);
                if (!agents.ContainsKey(key))
                {
                    agents[key] = before.TryGetValue(key, out var kept) && kept.Name == entry.Name
                        ? kept
                        : new Grant(entry.Name);
                }
            }
        }

        return agents;
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
            Agents();
        }
    }

    private Dictionary<(UInt128, UInt128), Grant> Agents()
    {
        var info = StatOf(_path);
        var (writtenAt, length) = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        lock (_gate)
        {
            if (writtenAt != _readAt || length != _length)
            {
                var before = _agents;
                try
                {
                    _agents = ByHash(AgentsFile.Read(_path), before);
                    if (!info.Exists)
                    {
                        // Said, else every token gets 401 and nothing tells why.
                        LogMissing(_logger, TerminalText.Printable(_path));
                    }
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException)
                {
                    // A broken file admits nobody (fail closed) until it is fixed.
                    _agents = [];
                    LogBroken(_logger, TerminalText.Printable(ex.Message));
                }

                (_readAt, _length) = (writtenAt, length);
                foreach (var (key, grant) in before)
                {
                    if (!_agents.TryGetValue(key, out var kept) || kept != grant)
                    {
                        grant.Revoke();
                    }
                }
            }

            return _agents;
        }
    }

    /// <summary>
    /// The file's status, read again now: one <c>FileInfo</c> per thread and file, refreshed, since a new one per
    /// request normalised the path again (about a third of this check's 2,400 instructions a request, callgrind).
    /// </summary>
    private static FileInfo StatOf(string path)
    {
        if (t_file is { } file && ReferenceEquals(file.Path, path))
        {
            file.Info.Refresh();
            return file.Info;
        }

        var info = new FileInfo(path);
        t_file = (path, info);
        return info;
    }

    /// <summary>What one connection's accepted <c>Authorization</c> header named, under which agents table.</summary>
    private sealed record Presented(
        string Authorization, Dictionary<(UInt128, UInt128), Grant> Agents, AuthOutcome Outcome);

    /// <summary>
    /// One token's admission while the file keeps it under the same name: a later read that still has it keeps the
    /// grant (and what was opened with it); one that has not cancels its <see cref="AuthOutcome.Accepted.Revoked"/>.
    /// </summary>
    [SuppressMessage("Design", "CA1001", Justification = "The source has no timer: nothing to release.")]
    private sealed class Grant
    {
        private readonly CancellationTokenSource _revoked = new();

        public Grant(string name) => Accepted = new AuthOutcome.Accepted(name) { Revoked = _revoked.Token };

        public AuthOutcome.Accepted Accepted { get; }

        public string Name => Accepted.Agent;

        /// <summary>Ends what the token opened; the callbacks run on the thread pool, under no lock of ours.</summary>
        public void Revoke() =>
            ThreadPool.UnsafeQueueUserWorkItem(static revoked => revoked.Cancel(), _revoked, preferLocal: false);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "serve.auth.tokens: {Path} does not exist: nobody is admitted until `mcpguard agents add`.")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "serve.auth.tokens: {Problem}; nobody is admitted until it is fixed.")]
    private static partial void LogBroken(ILogger logger, string problem);
}
