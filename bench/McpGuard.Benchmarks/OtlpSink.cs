using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>
/// A local OTLP/HTTP receiver for the telemetry-on side: it accepts the guard's posts to <c>/v1/traces</c> and
/// <c>/v1/metrics</c>, counts them and their bytes, and answers 200 without decoding them, so what is measured is
/// the guard's cost of making and sending telemetry, not a collector's. It reads HTTP/1.1 itself, on a blocking
/// socket and a thread per connection, into one reused buffer: the <c>HttpListener</c> it replaced, in this process
/// beside the client, cost the benchmark's process 1.1–1.6 µs of CPU per call (0.3 µs when moved to a process of its
/// own; its thread-pool work and allocations slowed the client), which was charged to telemetry (bench/HISTORY.md).
/// </summary>
internal sealed class OtlpSink : IDisposable
{
    private static readonly byte[] s_ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray();

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _connections = [];
    private readonly DirectoryInfo _policies = Directory.CreateTempSubdirectory("mcpguard-bench-telemetry-");
    private long _posts;
    private long _bytes;

    public OtlpSink()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        new Thread(Accept) { IsBackground = true, Name = "otlp-sink accept" }.Start();
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

    /// <summary>
    /// The receiver alone, in a process of its own (its CPU then shows apart from the client's): prints its endpoint,
    /// receives until standard input closes, then prints what it received.
    /// </summary>
    public static async Task<int> RunAsync()
    {
        using var sink = new OtlpSink();
        Console.WriteLine(sink.Endpoint);
        await Console.In.ReadToEndAsync();
        Console.WriteLine($"{sink.Posts} posts, {sink.Bytes / 1024.0 / 1024.0:0.0} MiB");
        return 0;
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }

        _policies.Delete(recursive: true);
    }

    private void Accept()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(connection);
            }

            new Thread(() => Receive(connection)) { IsBackground = true, Name = "otlp-sink receive" }.Start();
        }
    }

    /// <summary>Request after request on one kept-alive connection: the head, then Content-Length bytes.</summary>
    private void Receive(Socket connection)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                int head;
                while ((head = buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    (start, end) = (0, end - start);
                    var read = end < buffer.Length ? connection.Receive(buffer, end, buffer.Length - end, 0) : 0;
                    if (read == 0)
                    {
                        return; // closed, or a head larger than the buffer
                    }

                    end += read;
                }

                var length = ContentLength(Encoding.ASCII.GetString(buffer, start, head));
                start += head + 4;
                var buffered = (int)Math.Min(length, end - start);
                start += buffered;
                for (var left = length - buffered; left > 0;)
                {
                    (start, end) = (0, 0);
                    var read = connection.Receive(buffer, 0, (int)Math.Min(buffer.Length, left), 0);
                    if (read == 0)
                    {
                        return;
                    }

                    left -= read;
                }

                Interlocked.Add(ref _bytes, length);
                Interlocked.Increment(ref _posts);
                connection.Send(s_ok);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the guard closed the connection, or the sink is disposed
        }
        finally
        {
            connection.Dispose();
        }
    }

    private static long ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(line.AsSpan(15).Trim(), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"an OTLP post without Content-Length: {head}");
    }
}
