using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// The built guard as a plain process driven with raw lines, for what a client library would refuse to send
/// (bad JSON, odd ids) and for lifecycle checks (exit codes, signals, stdin EOF).
/// </summary>
internal sealed class RawGuard : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Text, TaskCompletionSource<string> Seen)> _stderrWaiters = [];
    private readonly Task _readers;

    private RawGuard(Process process, string policyPath)
    {
        _process = process;
        PolicyPath = policyPath;
        _readers = Task.WhenAll(
            ReadLinesAsync(process.StandardOutput, line => _stdout.Writer.TryWrite(line)),
            ReadLinesAsync(process.StandardError, AppendStderr));
    }

    public string PolicyPath { get; }

    public int Pid => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static RawGuard Start(
        string policyYaml, IEnumerable<string> serverCommand, IEnumerable<string>? guardOptions = null,
        IDictionary<string, string>? environment = null)
    {
        var policyPath = TempFiles.Write("policy.yaml", policyYaml);
        var guard = RepoPaths.Guard;
        string[] arguments = [
            .. guard.Prefix, "run", "--policy", policyPath, .. guardOptions ?? [], "--", .. serverCommand];
        // A fresh MCPGUARD_HOME unless the test names one, as GuardedServer.WithOwnHome says why.
        var withHome = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        withHome.TryAdd("MCPGUARD_HOME", DeskProcess.NewHome());
        return StartCommand(guard.Command, arguments, withHome, policyPath);
    }

    /// <summary>
    /// A command line as a client config entry gives it (the policy file is the entry's, deleted at the end).
    /// </summary>
    public static RawGuard StartCommand(
        string command, IEnumerable<string> arguments, IDictionary<string, string>? environment, string policyPath)
    {
        var startInfo = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        return new RawGuard(Process.Start(startInfo)!, policyPath);
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    public async Task<string> ReadLineAsync() =>
        await _stdout.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(TestConstants.DefaultTimeout);

    /// <summary>Reads lines until one contains <paramref name="fragment"/>, returning it.</summary>
    public async Task<string> ReadLineContainingAsync(string fragment)
    {
        while (true)
        {
            var line = await ReadLineAsync();
            if (line.Contains(fragment, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    /// <summary>
    /// Reads lines until the answer whose id is <paramref name="rawId"/> (its JSON text), skipping notifications and
    /// requests.
    /// </summary>
    public async Task<JsonElement> ResponseAsync(string rawId)
    {
        while (true)
        {
            using var document = JsonDocument.Parse(await ReadLineAsync());
            var message = document.RootElement;
            if (message.TryGetProperty("id", out var id) && id.GetRawText() == rawId
                && !message.TryGetProperty("method", out _))
            {
                return message.Clone();
            }
        }
    }

    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>
    /// Every line the guard wrote that no read has taken yet (call after <see cref="WaitForExitAsync"/>).
    /// </summary>
    public IReadOnlyList<string> UnreadLines()
    {
        var lines = new List<string>();
        while (_stdout.Reader.TryRead(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestConstants.DefaultTimeout);
        await _readers.WaitAsync(TestConstants.DefaultTimeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        File.Delete(PolicyPath);
    }

    private void AppendStderr(string line)
    {
        lock (_stderr)
        {
            _stderr.AppendLine(line);
            foreach (var waiter in _stderrWaiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)))
            {
                waiter.Seen.TrySetResult(line);
            }
        }
    }

    /// <summary>
    /// The first stderr line (the guard's or its child's) that contains <paramref name="text"/>, once it arrives.
    /// </summary>
    public Task<string> WaitForStderrAsync(string text)
    {
        lock (_stderr)
        {
            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_stderr.ToString().Split('\n')
                .FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                seen.SetResult(line.TrimEnd('\r'));
            }
            else
            {
                _stderrWaiters.Add((text, seen));
            }

            return seen.Task.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        }
    }

    private static async Task ReadLinesAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine(line);
        }
    }
}
