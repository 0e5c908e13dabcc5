using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A hand-written HTTP/1.1 server on a free loopback port that answers each request with whatever bytes a test
/// scripts (odd statuses, odd media types, hand-made event streams, silence), and records every request it got.
/// One request per connection (<c>Connection: close</c>), so a script can end a body by closing.
/// </summary>
internal sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<UpstreamRequest, string?> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<UpstreamRequest> _requests = new();
    private readonly Task _accepting;

    /// <param name="script">The raw response (status line, headers, blank line, body) for a request; null never
    /// answers.</param>
    public ScriptedUpstream(Func<UpstreamRequest, string?> script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/mcp";

    public IReadOnlyList<UpstreamRequest> Requests => [.. _requests];

    /// <summary>A complete response with the given status, Content-Type and body.</summary>
    public static string Response(string status, string? contentType, string body, string extraHeaders = "")
    {
        var contentTypeHeader = contentType is null ? "" : $"Content-Type: {contentType}\r\n";
        return $"HTTP/1.1 {status}\r\n{contentTypeHeader}{extraHeaders}Connection: close\r\n\r\n{body}";
    }

    /// <summary>A JSON-RPC result for the request's own id.</summary>
    public static string Result(UpstreamRequest request, string resultJson) =>
        $$"""{"jsonrpc":"2.0","id":{{request.Id}},"result":{{resultJson}}}""";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(TestConstants.DefaultTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await UpstreamRequest.ReadAsync(stream, _stop.Token);
                _requests.Enqueue(request);
                var response = _script(request);
                if (response is null)
                {
                    // A hung upstream: holds the connection, says nothing, until the test stops it.
                    await new TaskCompletionSource().Task.WaitAsync(_stop.Token);
                }

                await stream.WriteAsync(Encoding.UTF8.GetBytes(response!), _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }
}
