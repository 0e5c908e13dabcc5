namespace McpGuard.State;

/// <summary>
/// What the start probe (<see cref="RedisStartProbe"/>) found of a Redis the guard's first connection did not reach:
/// only what it saw, so a loaded machine is not blamed on Redis, nor a refused password on the network.
/// </summary>
internal abstract record RedisStartFinding
{
    private RedisStartFinding()
    {
    }

    /// <summary>No connection at all: refused, no such host, no route, or none within the timeout.</summary>
    public sealed record Unreachable(string Why) : RedisStartFinding;

    /// <summary>
    /// Redis answered the probe (a PING, after the url's credentials when it has some) in <paramref name="Took"/>:
    /// it is up and answering now, so what held the first connection up lay elsewhere (this machine or the way).
    /// </summary>
    public sealed record Answered(TimeSpan Took) : RedisStartFinding;

    /// <summary>Redis refused the url's credentials, or wants some and the url has none; its words, inert.</summary>
    public sealed record CredentialsRefused(string Said) : RedisStartFinding;

    /// <summary>Redis answered the PING with an error other than about credentials (LOADING, BUSY…); inert.</summary>
    public sealed record ErrorAnswer(string Said) : RedisStartFinding;

    /// <summary>The port accepts connections, but nothing answered the probe's PING within the timeout.</summary>
    public sealed record Silent : RedisStartFinding;

    /// <summary>
    /// The port accepts connections and nothing more was asked: a TLS store (rediss) is not spoken to in the clear.
    /// </summary>
    public sealed record Accepts : RedisStartFinding;
}
