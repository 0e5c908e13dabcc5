using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// A test's own peer process (a node script, redis-server, nginx, HAProxy), started until it says it is ready.
/// Its stdout and stderr are read from the first byte, so a chatty process never blocks on a full pipe and a failed
/// start quotes what it printed. A start that does not get ready in time (or exits first) is killed and tried once
/// more, with a fresh <see cref="ProcessStartInfo"/> (a fresh port), and the first attempt's reason is written to
/// the test's output and its warnings; a second failure fails the test with both reasons. Shared by the unit and
/// the end-to-end tests (linked into both projects).
/// </summary>
public sealed class FixtureProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _output = new();
    private readonly Task _readers;
    private readonly Func<string, bool> _isReady;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _started = Stopwatch.StartNew();

    private FixtureProcess(Process process, Func<string, bool> isReady)
    {
        _process = process;
        _isReady = isReady;
        _readers = Task.WhenAll(
            ReadAsync(process.StandardOutput, _stdout, "out"), ReadAsync(process.StandardError, _stderr, "err"));
    }

    public int Pid => _process.Id;

    /// <summary>The line that said the process was ready.</summary>
    public string ReadyLine { get; private set; } = "";

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    /// <summary>Both streams as they came, each line marked <c>out|</c> or <c>err|</c>.</summary>
    public string Output => Read(_output);

    /// <summary>
    /// Starts the process <paramref name="startInfo"/> describes (stdout and stderr are redirected here) and waits
    /// until a line on either stream satisfies <paramref name="isReady"/>; each attempt may take
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task<FixtureProcess> StartAsync(
        string name, Func<ProcessStartInfo> startInfo, Func<string, bool> isReady, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        string? firstFailure = null;
        for (var attempt = 1; ; attempt++)
        {
            var fixture = Start(startInfo(), isReady);
            var failure = await fixture.WaitUntilReadyAsync(name, timeout, cancellationToken);
            if (failure is null)
            {
                return fixture;
            }

            await fixture.DisposeAsync();
            failure += $"\n{name}'s output:\n{fixture.Output}";
            if (attempt == 2)
            {
                throw new InvalidOperationException(
                    $"{name} did not start twice.\nFirst attempt: {firstFailure}\nSecond attempt: {failure}");
            }

            firstFailure = failure;
            var warning = $"{name} did not start, killed and started again: {failure}";
            TestContext.Current.TestOutputHelper?.WriteLine(warning);
            TestContext.Current.AddWarning(warning);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        await _process.WaitForExitAsync(CancellationToken.None);

        // The readers end at EOF; a grandchild that kept a copy of the pipes could hold them open.
        await DrainAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private static FixtureProcess Start(ProcessStartInfo startInfo, Func<string, bool> isReady)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        return new FixtureProcess(Process.Start(startInfo)!, isReady);
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    /// <summary>Null once ready; otherwise why not (the process is still to be killed).</summary>
    private async Task<string?> WaitUntilReadyAsync(
        string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        try
        {
            if (await Task.WhenAny(_ready.Task, exited).WaitAsync(timeout, cancellationToken) == _ready.Task)
            {
                return null;
            }

            // Exited: what it printed last may still be in the pipes.
            await DrainAsync(TimeSpan.FromSeconds(5));
            return $"{name} exited (code {_process.ExitCode}) after {Seconds(_started.Elapsed)} before it was ready.";
        }
        catch (TimeoutException)
        {
            return $"{name} was not ready after {Seconds(timeout)}: {Describe(_process.Id)}";
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task DrainAsync(TimeSpan limit)
    {
        try
        {
            await _readers.WaitAsync(limit, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // Left to the test run's end: what was read so far is what the failure quotes.
        }
    }

    /// <summary>
    /// What a stalled process is doing, from /proc: its state, CPU time, what each thread waits in, the load.
    /// </summary>
    private static string Describe(int pid)
    {
        try
        {
            var text = new StringBuilder();
            var processState = File.ReadAllLines($"/proc/{pid}/status")
                .FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal))?.Replace('\t', ' ');
            text.Append(CultureInfo.InvariantCulture, $"pid {pid} {processState}");
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture)
                + long.Parse(fields[12], CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $", CPU {ticks / 100.0:0.00} s, threads:");
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var taskStat = File.ReadAllText(Path.Combine(task, "stat"));
                var state = taskStat[(taskStat.LastIndexOf(')') + 2)..].Split(' ')[0];
                var wchan = File.ReadAllText(Path.Combine(task, "wchan"));
                text.Append(CultureInfo.InvariantCulture, $" {Path.GetFileName(task)} {state} {wchan};");
            }

            return text.Append(" load ").Append(File.ReadAllText("/proc/loadavg").Trim()).ToString();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return $"pid {pid} ({e.Message})";
        }
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture);

    private async Task ReadAsync(StreamReader reader, StringBuilder text, string stream)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (text)
            {
                text.AppendLine(line);
            }

            lock (_output)
            {
                _output.Append(stream).Append('|').AppendLine(line);
            }

            if (!_ready.Task.IsCompleted && _isReady(line))
            {
                ReadyLine = line;
                _ready.TrySetResult(line);
            }
        }
    }
}
