using System.Security.Cryptography;
using McpGuard.Http.Bearer;
using McpGuard.Policy.Agents;

namespace McpGuard.Http;

/// <summary>
/// Bearer tokens per agent: the presented token's SHA-256 is compared, in constant time, with every hash in
/// <c>agents.yaml</c>. The file is read again when it changes, so <c>agents revoke</c> takes effect at once.
/// </summary>
internal sealed class TokenAuthenticator(string path) : IRequestAuthenticator
{
    private readonly Lock _gate = new();
    private IReadOnlyList<AgentEntry> _agents = [];
    private DateTime _readAt = DateTime.MinValue;
    private long _length = -1;

    public ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        new(bearerToken is null ? new AuthOutcome.Refused(false, "no bearer token")
            : Authenticate(bearerToken) is { } agent ? new AuthOutcome.Accepted(agent)
            : new AuthOutcome.Refused(true, "unknown or revoked token"));

    /// <summary>The agent the token belongs to; null when it belongs to none.</summary>
    public string? Authenticate(string token)
    {
        var presented = AgentsFile.Hash(token);
        string? agent = null;

        // Every entry is compared, matched or not, so the time taken says nothing about which hash came close.
        foreach (var entry in Agents())
        {
            if (CryptographicOperations.FixedTimeEquals(presented, entry.TokenHash))
            {
                agent ??= entry.Name;
            }
        }

        return agent;
    }

    private IReadOnlyList<AgentEntry> Agents()
    {
        var info = new FileInfo(path);
        var (writtenAt, length) = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        lock (_gate)
        {
            if (writtenAt != _readAt || length != _length)
            {
                try
                {
                    _agents = AgentsFile.Read(path);
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
