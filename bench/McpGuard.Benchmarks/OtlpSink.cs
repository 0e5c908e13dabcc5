using System.Net;
using System.Net.Sockets;

namespace McpGuard.Benchmarks;

/// <summary>
/// A local OTLP/HTTP receiver for the telemetry-on side: it accepts the guard's posts to <c>/v1/traces</c> and
/// <c>/v1/metrics</c>, counts them and their bytes, and answers 200 without decoding them, so what is measured is
/// the guard's cost of making and sending telemetry, not a collector's.
/// </summary>
internal sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly DirectoryInfo _policies = Directory.CreateTempSubdirectory("mcpguard-bench-telemetry-");
    private long _posts;
    private long _bytes;

    public OtlpSink()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public long Posts => Interlocked.Read(ref _posts);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// The policy file plus a <c>telemetry:</c> block pointing at this receiver, in a folder of its own: the guard
    /// watches the policy's folder, and watching a folder as full as <c>/tmp</c> costs the guard's start-up about
    /// 30 ms here (the kernel walks the folder's cached entries), which would be charged to telemetry.
    /// </summary>
    public string PolicyFrom(string policy)
    {
        var path = Path.Combine(_policies.FullName, Path.GetFileName(policy));
        File.WriteAllText(path, File.ReadAllText(policy) + $"\ntelemetry:\n  otlp: {Endpoint}\n");
        return path;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _ = _loop.Exception;
        _policies.Delete(recursive: true);
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (
                e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await context.Request.InputStream.ReadAsync(buffer)) > 0)
            {
                Interlocked.Add(ref _bytes, read);
            }

            Interlocked.Increment(ref _posts);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
