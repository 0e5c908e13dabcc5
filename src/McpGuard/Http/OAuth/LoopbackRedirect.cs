using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpGuard.Http.OAuth;

/// <summary>
/// The redirect target of a sign-in: <c>http://127.0.0.1:PORT/callback</c> on a free port, served by a minimal
/// HTTP reader for the one GET the browser makes back; any other request (a favicon) gets 404 and is ignored.
/// </summary>
internal sealed class LoopbackRedirect : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public LoopbackRedirect()
    {
        _listener.Start();
        Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/callback");
    }

    public Uri Uri { get; }

    /// <summary>Waits for the browser's redirect and returns its query parameters.</summary>
    public async Task<IReadOnlyDictionary<string, string>> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
            var stream = client.GetStream();
            var target = await ReadTargetAsync(stream, cancellationToken);
            if (target is null || !target.StartsWith("/callback?", StringComparison.Ordinal))
            {
                await stream.WriteAsync(
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(),
                    cancellationToken);
                continue;
            }

            const string page =
                "<!doctype html><title>McpGuard</title><p>McpGuard received the sign-in. You can close this tab.</p>";
            var answer = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                + $"Content-Length: {Encoding.UTF8.GetByteCount(page)}\r\nConnection: close\r\n\r\n{page}";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), cancellationToken);
            return Query(target["/callback?".Length..]);
        }
    }

    public void Dispose() => _listener.Stop();

    private static async Task<string?> ReadTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        // The request line and headers, bounded; the target is the second word of the first line.
        var head = new byte[16 * 1024];
        var length = 0;
        while (length < head.Length)
        {
            var read = await stream.ReadAsync(head.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (head.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString(head, 0, length).Split("\r\n")[0].Split(' ');
        return line.Length >= 2 && line[0] == "GET" ? line[1] : null;
    }

    private static Dictionary<string, string> Query(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            values.TryAdd(name, equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' ')));
        }

        return values;
    }
}
