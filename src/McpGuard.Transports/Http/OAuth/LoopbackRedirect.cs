using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpGuard.Http.OAuth;

/// <summary>
/// The redirect target of a sign-in: <c>http://127.0.0.1:PORT/callback</c> on a free port, served by a minimal
/// HTTP reader for the one GET the browser makes back; any other request (a favicon) gets 404 and is ignored, a
/// callback without this sign-in's <c>state</c> (any local process, a page probing loopback ports, a stale tab of an
/// earlier sign-in) gets 400 and is ignored too, and a connection that says nothing holds nothing up.
/// </summary>
internal sealed class LoopbackRedirect : IDisposable
{
    private const string Page =
        "<!doctype html><title>McpGuard</title><p>McpGuard received the sign-in. You can close this tab.</p>";

    private const string OtherSignIn =
        "<!doctype html><title>McpGuard</title><p>This is not the sign-in McpGuard is waiting for.</p>";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public LoopbackRedirect()
    {
        _listener.Start();
        Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/callback");
    }

    public Uri Uri { get; }

    /// <summary>Waits for the browser's redirect with this sign-in's state and returns its query parameters.</summary>
    /// <remarks>
    /// Each connection is read on its own: a browser may open a connection it does not use yet (a speculative
    /// preconnect), and any local process can open one and say nothing; read one at a time, such a connection would
    /// hold back the redirect until the sign-in timed out.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, string>> WaitAsync(string state, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var redirect = new TaskCompletionSource<IReadOnlyDictionary<string, string>>(
            TaskCreationOptions.RunContinuationsAsynchronously);
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var accepting = _listener.AcceptTcpClientAsync(stop.Token).AsTask();
                if (await Task.WhenAny(accepting, redirect.Task) == redirect.Task)
                {
                    return await redirect.Task;
                }

                connections.Add(ServeAsync(await accepting, state, redirect, stop.Token));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(connections);
        }
    }

    /// <summary>Answers one connection: the redirect completes the sign-in's wait, anything else gets 404.</summary>
    private static async Task ServeAsync(
        TcpClient client,
        string state,
        TaskCompletionSource<IReadOnlyDictionary<string, string>> redirect,
        CancellationToken cancellationToken)
    {
        using (client)
        {
            IReadOnlyDictionary<string, string>? query = null;
            try
            {
                var stream = client.GetStream();
                var target = await ReadTargetAsync(stream, cancellationToken);
                if (target is null || !target.StartsWith("/callback?", StringComparison.Ordinal))
                {
                    await stream.WriteAsync(
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(),
                        cancellationToken);
                    return;
                }

                var parameters = Query(target["/callback?".Length..]);
                if (!parameters.TryGetValue("state", out var returned) || returned != state)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(
                        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=utf-8\r\n"
                        + $"Content-Length: {Encoding.UTF8.GetByteCount(OtherSignIn)}\r\nConnection: close\r\n\r\n"
                        + OtherSignIn), cancellationToken);
                    return;
                }

                query = parameters;
                var answer = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + $"Content-Length: {Encoding.UTF8.GetByteCount(Page)}\r\nConnection: close\r\n\r\n{Page}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // A connection that went away or said nothing: the sign-in waits on for the redirect.
            }
            finally
            {
                // The redirect arrived even if the tab closed before its page was written.
                if (query is not null)
                {
                    redirect.TrySetResult(query);
                }
            }
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
