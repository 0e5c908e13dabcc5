using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace McpGuard.Benchmarks;

/// <summary>
/// One HTTP endpoint of the HTTP rows as a process: started, ready once a line of its output gives its URL, and
/// ended with every child it started. Its memory is read from /proc (its own, and its children's).
/// </summary>
internal sealed class HttpSide : IAsyncDisposable
{
    /// <summary>The kernel's clock ticks per second for /proc's CPU times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    private readonly Process _process;

    private HttpSide(string name, Process process, Uri url)
    {
        Name = name;
        _process = process;
        Url = url;
    }

    public string Name { get; }

    public Uri Url { get; }

    /// <summary>Starts a process that says nothing when ready: ready once <paramref name="url"/> accepts.</summary>
    public static async Task<HttpSide> StartQuietAsync(string name, IReadOnlyList<string> command, Uri url)
    {
        var side = await StartAsync(name, command, new Regex("(?!)"), _ => url, waitForLine: false);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(url.Host, url.Port);
                return side;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 600)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Starts <paramref name="command"/>; <paramref name="ready"/> matches the line naming its URL.</summary>
    public static async Task<HttpSide> StartAsync(
        string name, IReadOnlyList<string> command, Regex ready, Func<Match, Uri> url, string? home = null,
        bool waitForLine = true)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        if (home is not null)
        {
            start.Environment["MCPGUARD_HOME"] = home;
        }

        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        CompiledClient.ForSide(start);
        var process = Process.Start(start)!;
        var found = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = WatchAsync(process.StandardOutput, ready, url, found);
        _ = WatchAsync(process.StandardError, ready, url, found);
        if (!waitForLine)
        {
            return new HttpSide(name, process, url(Match.Empty));
        }

        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(found.Task, exited).WaitAsync(TimeSpan.FromSeconds(60)) != found.Task)
        {
            throw new InvalidOperationException($"{name} exited ({process.ExitCode}) before it served.");
        }

        return new HttpSide(name, process, await found.Task);
    }

    /// <summary>Resident memory (VmRSS) of the process itself and of all its descendants, in MiB.</summary>
    public (double Own, double Children) MemoryMiB()
    {
        var own = ResidentKiB(_process.Id);
        var children = Descendants(_process.Id).Sum(ResidentKiB);
        return (own / 1024.0, children / 1024.0);
    }

    /// <summary>CPU time (user and system) of the process itself and of its living descendants, in seconds.</summary>
    public (double Own, double Children) CpuSeconds() =>
        (CpuTicks(_process.Id) / TicksPerSecond, Descendants(_process.Id).Sum(CpuTicks) / TicksPerSecond);

    /// <summary>
    /// Context switches of the process itself so far (voluntary and not, summed over its living threads): each is
    /// a thread that went to sleep or was preempted, so per call it counts the hand-offs a call needs.
    /// </summary>
    public long ContextSwitches()
    {
        var total = 0L;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
            {
                total += SwitchesOf(Path.Combine(task, "status"));
            }
        }
        catch (IOException)
        {
            // The process ended meanwhile.
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            yield break;
        }

        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            string children;
            try
            {
                children = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            {
                yield return child;
                foreach (var grandchild in Descendants(child))
                {
                    yield return grandchild;
                }
            }
        }
    }

    /// <summary>utime + stime from /proc/PID/stat (fields 14 and 15, counted after the command's name).</summary>
    private static long CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture)
                + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long SwitchesOf(string status)
    {
        try
        {
            return File.ReadLines(status)
                .Where(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)
                    || l.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                .Sum(l => long.Parse(l.Split(':')[1].Trim(), CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return 0; // a thread that ended meanwhile
        }
    }

    private static long ResidentKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status")
                .FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task WatchAsync(
        StreamReader reader, Regex ready, Func<Match, Uri> url, TaskCompletionSource<Uri> found)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!found.Task.IsCompleted && ready.Match(line) is { Success: true } match)
            {
                found.TrySetResult(url(match));
            }
        }
    }
}
