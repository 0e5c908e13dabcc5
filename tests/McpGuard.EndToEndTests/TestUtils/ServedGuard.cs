using System.Collections.Concurrent;
using System.Diagnostics;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// <c>mcpguard serve --listen 127.0.0.1:0 --policy FILE -- SERVER...</c> as a real process with its own
/// <c>MCPGUARD_HOME</c>; ready once it prints the URL it serves.
/// </summary>
internal sealed class ServedGuard : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StderrLines _stderr;
    private readonly Task _stderrDone;

    private ServedGuard(Process process, Uri url, string home, StderrLines stderr, Task stderrDone)
    {
        _process = process;
        Url = url;
        Home = home;
        _stderr = stderr;
        _stderrDone = stderrDone;
    }

    public Uri Url { get; }

    public string Home { get; }

    /// <summary>
    /// The guard's stderr lines and its servers' (the v2 test server says "WAITING wait_ms ..." and "RAN ...").
    /// </summary>
    public ConcurrentQueue<string> Stderr => _stderr.Lines;

    public int ProcessId => _process.Id;

    public static async Task<ServedGuard> StartAsync(
        string policyYaml, IEnumerable<string> serverCommand, IEnumerable<string>? guardOptions = null,
        string? home = null)
    {
        home ??= DeskProcess.NewHome();
        var policyPath = Path.Combine(home, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, policyYaml, TestContext.Current.CancellationToken);
        var guard = RepoPaths.Guard;
        var start = new ProcessStartInfo(guard.Command)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false
        };
        guardOptions = [.. guardOptions ?? []];
        string[] listen = guardOptions.Contains("--listen") ? [] : ["--listen", "127.0.0.1:0"];
        string[] arguments = [
            .. guard.Prefix, "serve", "--policy", policyPath, .. listen, .. guardOptions, "--", .. serverCommand];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MCPGUARD_HOME"] = home;
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = new StderrLines();
        try
        {
            var url = await ReadUrlAsync(process, stderr).WaitAsync(TestConstants.DefaultTimeout);
            if (url is not null)
            {
                return new ServedGuard(process, url, home, stderr, DrainAsync(process, stderr));
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            throw new InvalidOperationException(
                $"serve exited ({process.ExitCode}) before serving: {string.Join('\n', stderr.Lines)}");
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"serve did not say it was serving in {TestConstants.DefaultTimeout.TotalSeconds} s (killed): "
                + string.Join('\n', stderr.Lines));
        }
    }

    /// <summary>An SDK client over Streamable HTTP (auto: 2026-07-28 first, falling back to a 2025 session).</summary>
    public Task<McpClient> ConnectAsync(
        McpClientOptions? options = null, HttpTransportMode mode = HttpTransportMode.StreamableHttp,
        IDictionary<string, string>? headers = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Url,
            TransportMode = mode,
            AdditionalHeaders = headers,
        });
        return McpClient.CreateAsync(
            transport, ClientOptions.Patient(options), cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Completes when the guard or one of its servers has written a stderr line containing <paramref name="text"/>.
    /// </summary>
    public Task WaitForStderrAsync(string text) =>
        _stderr.WaitForAsync(text).WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start(
            "kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await _stderrDone;
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
    }

    /// <summary>The URL <c>serve</c> says it serves, or null if stderr ended first.</summary>
    private static async Task<Uri?> ReadUrlAsync(Process process, StderrLines stderr)
    {
        while (await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            stderr.Add(line);
            if (line.StartsWith("mcpguard: serving ", StringComparison.Ordinal))
            {
                return new Uri(line["mcpguard: serving ".Length..]);
            }
        }

        return null;
    }

    private static async Task DrainAsync(Process process, StderrLines stderr)
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            stderr.Add(line);
        }
    }
}
