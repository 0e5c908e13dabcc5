using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A server process on a free loopback port, ready once it prints a given text on stdout or stderr (both are read
/// to the end, so a chatty process never blocks on a full pipe).
/// </summary>
internal sealed class ListeningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _readers;

    private ListeningProcess(Process process, int port, string ready, TaskCompletionSource started)
    {
        _process = process;
        Port = port;
        _readers = Task.WhenAll(
            ReadAsync(process.StandardOutput, ready, started), ReadAsync(process.StandardError, ready, started));
    }

    public int Port { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="command"/>; <c>{port}</c> in an argument and <c>PORT</c> are the port.</summary>
    public static async Task<ListeningProcess> StartAsync(string ready, string command, params string[] arguments)
    {
        var port = FreePort();
        var text = port.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument.Replace("{port}", text, StringComparison.Ordinal));
        }

        start.Environment["PORT"] = text;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = new ListeningProcess(Process.Start(start)!, port, ready, started);
        var exited = listening._process.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (await Task.WhenAny(started.Task, exited).WaitAsync(TestConstants.DefaultTimeout) != started.Task)
        {
            await listening.DisposeAsync();
            throw new InvalidOperationException($"{command} exited before it listened: {listening.Output}");
        }

        return listening;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _readers.WaitAsync(TestConstants.DefaultTimeout);
        _process.Dispose();
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ReadAsync(StreamReader reader, string ready, TaskCompletionSource started)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (line.Contains(ready, StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }
    }
}
