using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>
/// A raw JSON-RPC client over a process's stdio: writes request lines, a reader task matches answers by id.
/// Deliberately not the SDK, so the figures measure the relay and not a client library.
/// </summary>
internal sealed class JsonRpcDriver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _stdin;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<int>> _waiting = new();
    private readonly Task _reader;
    private long _nextId;

    private JsonRpcDriver(Process process)
    {
        _process = process;
        _stdin = new StreamWriter(process.StandardInput.BaseStream, new UTF8Encoding(false), 1 << 16)
        {
            AutoFlush = false
        };
        _reader = Task.Run(ReadAsync);
    }

    public int Pid => _process.Id;

    public static JsonRpcDriver Start(
        IReadOnlyList<string> commandLine, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (var argument in commandLine.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Telemetry is measured only where a side's policy turns it on, never by a variable of the shell's.
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        CompiledClient.ForSide(startInfo);
        if (GuardHomes.For(commandLine) is { } home)
        {
            startInfo.Environment["MCPGUARD_HOME"] = home;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo)!;
        _ = process.StandardError.ReadToEndAsync();
        return new JsonRpcDriver(process);
    }

    /// <summary>Sends one request and returns the task of its answer (the answer's length in characters).</summary>
    public async Task<Task<int>> SendAsync(string method, string parameters, bool flush = true)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        await _stdin.WriteAsync(
            $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":{parameters}}}\n");
        if (flush)
        {
            await _stdin.FlushAsync();
        }

        return answer.Task;
    }

    public Task FlushAsync() => _stdin.FlushAsync();

    public async Task<int> CallAsync(string method, string parameters) => await await SendAsync(method, parameters);

    /// <summary>VmHWM: the peak resident memory of the process, in MiB.</summary>
    public double PeakMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status")
            .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null
            ? double.NaN
            : long.Parse(
                line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// CPU time (user + system) the process has used so far: a measure that other load on the machine barely moves.
    /// </summary>
    public TimeSpan CpuTime()
    {
        // /proc/PID/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second on Linux).
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public async ValueTask DisposeAsync()
    {
        _stdin.Close();
        if (!_process.WaitForExit(10_000))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _reader.WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        using var reader = new StreamReader(_process.StandardOutput.BaseStream, Encoding.UTF8, false, 1 << 16);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (FastServer.IdOf(line) is { } id && long.TryParse(id, out var key)
                && _waiting.TryRemove(key, out var waiter))
            {
                waiter.SetResult(line.Length);
            }
        }

        foreach (var waiter in _waiting.Values)
        {
            waiter.TrySetException(new IOException("the process closed its stdout"));
        }
    }
}
