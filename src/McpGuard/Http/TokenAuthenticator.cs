using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using McpGuard.Http.Bearer;
using McpGuard.Policy.Agents;

namespace McpGuard.Http;

/// <summary>
/// Bearer tokens per agent: the presented token's SHA-256 is looked up among the hashes in <c>agents.yaml</c>. The
/// file's time and size are checked on every request and it is read again when they changed, so <c>agents
/// revoke</c> takes effect at once (from the next request on).
/// </summary>
/// <remarks>
/// The lookup is by the digest, in a table made when the file is read: one hash and one probe a request, however many
/// agents there are. Its time can depend only on how the presented token's SHA-256 compares with the stored ones,
/// which tells a guesser nothing about a token (finding a token for a digest is what SHA-256 rules out).
/// </remarks>
internal sealed class TokenAuthenticator(string path) : IRequestAuthenticator
{
    /// <summary>Tokens up to this many UTF-8 bytes are hashed without an allocation.</summary>
    private const int StackTokenBytes = 256;

    private readonly Lock _gate = new();
    private Dictionary<(UInt128, UInt128), string> _agents = [];
    private DateTime _readAt = DateTime.MinValue;
    private long _length = -1;

    public ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        new(bearerToken is null ? new AuthOutcome.Refused(false, "no bearer token")
            : Authenticate(bearerToken) is { } agent ? new AuthOutcome.Accepted(agent)
            : new AuthOutcome.Refused(true, "unknown or revoked token"));

    /// <summary>The agent the token belongs to; null when it belongs to none.</summary>
    public string? Authenticate(string token)
    {
        var agents = Agents();
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        Span<byte> utf8 = length <= StackTokenBytes ? stackalloc byte[StackTokenBytes] : new byte[length];
        var written = Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], digest);
        return agents.GetValueOrDefault(Key(digest));
    }

    private static (UInt128, UInt128) Key(ReadOnlySpan<byte> digest) =>
        (MemoryMarshal.Read<UInt128>(digest), MemoryMarshal.Read<UInt128>(digest[16..]));

    /// <summary>The first agent named for each hash, in the file's order (a later duplicate is never chosen).</summary>
    private static Dictionary<(UInt128, UInt128), string> ByHash(IReadOnlyList<AgentEntry> entries)
    {
        var agents = new Dictionary<(UInt128, UInt128), string>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.TokenHash.Length == SHA256.HashSizeInBytes)
            {
                agents.TryAdd(Key(entry.TokenHash), entry.Name);
            }
        }

        return agents;
    }

    private Dictionary<(UInt128, UInt128), string> Agents()
    {
        var info = new FileInfo(path);
        var (writtenAt, length) = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        lock (_gate)
        {
            if (writtenAt != _readAt || length != _length)
            {
                try
                {
                    _agents = ByHash(AgentsFile.Read(path));
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException)
                {
                    // A broken file admits nobody (fail closed) until it is fixed.
                    _agents = [];
                }

                (_readAt, _length) = (writtenAt, length);
            }

            return _agents;
        }
    }
}
