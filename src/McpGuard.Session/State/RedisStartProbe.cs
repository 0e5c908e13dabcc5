using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// Why Redis was not connected as a guard started, asked of the network and of Redis itself: the client library's
/// first attempt ends the same way (not connected) whether Redis refused, does not exist, refused the password, or was
/// merely slow to answer on a loaded machine, and it can take its whole timeout for any of them. A plain TCP connect
/// tells the unreachable one apart; a PING on it (after AUTH when the url has credentials) tells a Redis that answers
/// now from a silent one and names refused credentials, so the operator is told what was seen, and a reachable Redis is
/// not blamed for a busy machine (docs/limits.md#when-the-store-cannot-be-reached).
/// </summary>
internal static class RedisStartProbe
{
    private const int MostOfALine = 200;

    public static async Task<RedisStartFinding> FindAsync(RedisProbeTarget target, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var give = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(target.Host, target.Port, give.Token);
        }
        catch (SocketException ex)
        {
            return new RedisStartFinding.Unreachable(ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "no route to the host",
                _ => $"no connection at start ({ex.SocketErrorCode})",
            });
        }
        catch (OperationCanceledException)
        {
            return new RedisStartFinding.Unreachable($"no connection within {Duration.Format(timeout)}");
        }

        if (target.Tls)
        {
            return new RedisStartFinding.Accepts();
        }

        try
        {
            var clock = Stopwatch.StartNew();
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new LineReader(stream);
            if (target.Password is { } password)
            {
                string[] auth = target.User is { } user ? ["AUTH", user, password] : ["AUTH", password];
                await stream.WriteAsync(Command(auth), give.Token);
                if (await reader.ReadLineAsync(give.Token) is not ['+', ..] and var refused)
                {
                    return new RedisStartFinding.CredentialsRefused(Said(refused));
                }
            }

            await stream.WriteAsync(Command(["PING"]), give.Token);
            var answer = await reader.ReadLineAsync(give.Token);
            return answer switch
            {
                ['-', ..] when answer.StartsWith("-NOAUTH", StringComparison.Ordinal)
                    || answer.StartsWith("-WRONGPASS", StringComparison.Ordinal)
                    => new RedisStartFinding.CredentialsRefused(Said(answer)),

                // Up but not serving: LOADING its data set, BUSY with a script, MASTERDOWN, an ACL without PING.
                ['-', ..] => new RedisStartFinding.ErrorAnswer(Said(answer)),
                _ => new RedisStartFinding.Answered(clock.Elapsed),
            };
        }
        catch (OperationCanceledException)
        {
            return new RedisStartFinding.Silent();
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // Closed on the probe after accepting it: seen as no answer, which is all that is known.
            return new RedisStartFinding.Silent();
        }
    }

    // Redis's reply is data from the network: one line, control characters shown inert, not too long for a log line.
    private static string Said(string reply)
    {
        var text = TerminalText.Printable(reply.TrimStart('-', '+'));
        return text.Length <= MostOfALine ? text : text[..MostOfALine] + "…";
    }

    private static byte[] Command(string[] parts)
    {
        var text = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Reads RESP reply lines; a reply line longer than a few KiB is cut (only its start is shown).</summary>
    private sealed class LineReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[4096];
        private int _filled;

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var end = Array.IndexOf(_buffer, (byte)'\n', 0, _filled);
                if (end >= 0 || _filled == _buffer.Length)
                {
                    var length = end >= 0 ? end + 1 : _filled;
                    var line = Encoding.UTF8.GetString(_buffer, 0, length).TrimEnd('\r', '\n');
                    Buffer.BlockCopy(_buffer, length, _buffer, 0, _filled - length);
                    _filled -= length;
                    return line;
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_filled), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("closed");
                }

                _filled += read;
            }
        }
    }
}

/// <summary>Where and as whom the probe asks: the store's url, taken apart.</summary>
internal sealed record RedisProbeTarget(string Host, int Port, bool Tls, string? User, string? Password);
