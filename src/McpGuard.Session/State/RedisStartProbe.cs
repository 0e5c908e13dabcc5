using System.Net.Sockets;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// Why Redis was not connected as a guard started, asked of the network itself: the client library's first attempt
/// ends the same way (not connected) whether Redis refused, does not exist, or was merely slow to answer on a loaded
/// machine, and it can take its whole timeout for any of them. A plain TCP connect tells the slow one apart, so the
/// operator is not told a reachable Redis cannot be reached (docs/limits.md#when-the-store-cannot-be-reached).
/// </summary>
internal static class RedisStartProbe
{
    /// <summary>
    /// Null when the port accepts a connection (Redis is there, it did not finish the handshake in time, or refused
    /// the guard's credentials); else what stopped the connection, in a few words.
    /// </summary>
    public static async Task<string?> UnreachableBecauseAsync(string host, int port, TimeSpan timeout)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var give = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(host, port, give.Token);
            return null;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "no route to the host",
                _ => $"no connection at start ({ex.SocketErrorCode})",
            };
        }
        catch (OperationCanceledException)
        {
            return $"no connection within {Duration.Format(timeout)}";
        }
    }
}
