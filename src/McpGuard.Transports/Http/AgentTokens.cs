using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace McpGuard.Http;

/// <summary>
/// The agents file's tokens by their SHA-256, each with its <see cref="TokenGrant"/>. The file's time and size are
/// checked whenever the table is asked for, and it is read again when they changed (<see cref="TokenAuthenticator"/>
/// asks on every request and every second), so <c>agents revoke</c> takes effect at once.
/// </summary>
internal sealed partial class AgentTokens
{
    /// <summary>The length before the first read: unlike any file's, also unlike a missing file's (-1).</summary>
    private const long NeverRead = -2;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly Func<string, IReadOnlyList<AgentToken>> _read;
    private readonly FileStamp _stamp;
    private readonly ILogger _logger;
    private Dictionary<(UInt128, UInt128), TokenGrant> _agents = [];
    private DateTime _readAt = DateTime.MinValue;
    private long _length = NeverRead;

    public AgentTokens(string path, Func<string, IReadOnlyList<AgentToken>> read, ILogger logger)
    {
        _path = path;
        _read = read;
        _stamp = new FileStamp(path);
        _logger = logger;
        Current();
    }

    /// <summary>The table's key for a SHA-256 digest: its two halves.</summary>
    public static (UInt128, UInt128) Key(ReadOnlySpan<byte> digest) =>
        (MemoryMarshal.Read<UInt128>(digest), MemoryMarshal.Read<UInt128>(digest[16..]));

    /// <summary>
    /// The tokens as the file has them now: read again first when its time or size changed since the last read, and
    /// then the grants the new read no longer has under the same name are revoked.
    /// </summary>
    public Dictionary<(UInt128, UInt128), TokenGrant> Current()
    {
        var stamp = _stamp.Read();
        var (writtenAt, length) = stamp ?? (DateTime.MinValue, -1L);
        lock (_gate)
        {
            if (writtenAt != _readAt || length != _length)
            {
                var before = _agents;
                try
                {
                    _agents = ByHash(_read(_path), before);
                    if (stamp is null)
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
    /// The first agent named for each hash, in the file's order (a later duplicate is never chosen); a hash that
    /// <paramref name="before"/> had under the same name keeps its grant.
    /// </summary>
    private static Dictionary<(UInt128, UInt128), TokenGrant> ByHash(
        IReadOnlyList<AgentToken> entries, Dictionary<(UInt128, UInt128), TokenGrant> before)
    {
        var agents = new Dictionary<(UInt128, UInt128), TokenGrant>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.TokenHash.Length == SHA256.HashSizeInBytes)
            {
                var key = Key(entry.TokenHash);
                if (!agents.ContainsKey(key))
                {
                    agents[key] = before.TryGetValue(key, out var kept) && kept.Name == entry.Name
                        ? kept
                        : new TokenGrant(entry.Name);
                }
            }
        }

        return agents;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "serve.auth.tokens: {Path} does not exist: nobody is admitted until `mcpguard agents add`.")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "serve.auth.tokens: {Problem}; nobody is admitted until it is fixed.")]
    private static partial void LogBroken(ILogger logger, string problem);
}
