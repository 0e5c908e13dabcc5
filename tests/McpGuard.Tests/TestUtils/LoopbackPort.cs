using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// Loopback ports a test must know before the process that listens on them starts (a token's audience, a proxy's
/// config, a restart on the same port). Everywhere else a process binds port 0 itself and the test reads the port it
/// really bound from its output. A port picked free and released can be taken before its process binds it; picking
/// it below the kernel's ephemeral range (where neither <c>bind</c> to port 0 nor an outgoing connection ever lands)
/// leaves only processes that name a port themselves, and <see cref="StartAsync{T}"/> tries a new port when one did.
/// Shared by the unit and the end-to-end tests (linked into both projects).
/// </summary>
public static class LoopbackPort
{
    private const int Attempts = 3;

    /// <summary>A loopback port free now, below the ephemeral range when that leaves room.</summary>
    public static int Pick()
    {
        var (low, high) = UnassignedRange();
        for (var i = 0; i < 100 && high > low; i++)
        {
            var port = Random.Shared.Next(low, high);
            if (IsFree(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// <paramref name="start"/> on a port from <see cref="Pick"/>; when it fails because the port was taken meanwhile
    /// ("already in use" in its exception), again on another port, at most three ports in all.
    /// </summary>
    public static async Task<T> StartAsync<T>(Func<int, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = Pick();
            try
            {
                return await start(port);
            }
            catch (Exception ex) when (attempt < Attempts && IsAddressInUse(ex))
            {
                var warning = $"port {port} was taken before the process bound it; trying another: {ex.Message}";
                TestContext.Current.TestOutputHelper?.WriteLine(warning);
                TestContext.Current.AddWarning(warning);
            }
        }
    }

    /// <summary><see cref="StartAsync{T}"/> for a listener in this process that binds at once.</summary>
    public static T Start<T>(Func<int, T> start) =>
        StartAsync(port => Task.FromResult(start(port))).GetAwaiter().GetResult();

    /// <summary>
    /// A loopback port nothing listens on, for as long as the returned socket is kept: bound but not listening, so a
    /// connection to it is refused and no other process can take it.
    /// </summary>
    public static Socket HoldClosed(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }

    /// <summary>Whether a start failed because its port was in use (as every listener here words it).</summary>
    public static bool IsAddressInUse(Exception ex) =>
        ex.ToString().Contains("already in use", StringComparison.OrdinalIgnoreCase);

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Up to 16384 ports just below Linux's ephemeral range (ip_local_port_range, 32768 by default), above 1024.
    /// Elsewhere, or when the range starts too low to leave room: empty, and <see cref="Pick"/> binds port 0.
    /// </summary>
    private static (int Low, int High) UnassignedRange()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            var ephemeralLow = int.Parse(
                text.Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0],
                CultureInfo.InvariantCulture);
            var low = Math.Max(1025, ephemeralLow - 16384);
            return ephemeralLow - low >= 1024 ? (low, ephemeralLow) : (0, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return (0, 0);
        }
    }
}
