using System.Net;
using System.Net.Sockets;

namespace McpGuard.Benchmarks;

/// <summary>
/// <c>tcp-relay UPSTREAM_PORT</c>: the least a .NET process can do in the middle, for telling what .NET's runtime costs
/// a hop from what its HTTP stacks (Kestrel, SocketsHttpHandler) cost: every accepted connection gets one connection of
/// its own to the upstream, and bytes are copied both ways as they come (no HTTP parsing, no pooling), on .NET's socket
/// engine with the guard's settings (completions inline). HTTP/1.1 passes unchanged, so <c>http-probe</c> drives it as
/// it drives nginx. Prints <c>LISTENING PORT</c>.
/// </summary>
internal static class TcpRelay
{
    public static async Task<int> RunAsync(int upstreamPort)
    {
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        Console.WriteLine($"LISTENING {((IPEndPoint)listener.LocalEndPoint!).Port}");
        while (true)
        {
            var client = await listener.AcceptAsync();
            _ = RelayAsync(client, upstreamPort);
        }
    }

    private static async Task RelayAsync(Socket client, int upstreamPort)
    {
        using var _ = client;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        (client.NoDelay, upstream.NoDelay) = (true, true);
        await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, upstreamPort));
        await Task.WhenAny(CopyAsync(client, upstream), CopyAsync(upstream, client));
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None)) > 0)
            {
                for (var sent = 0; sent < read;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The other direction ended first and closed both sockets.
        }
    }
}
