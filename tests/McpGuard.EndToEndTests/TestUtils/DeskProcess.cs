using System.Diagnostics;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// <c>mcpguard desk --port P</c> as a real process, with its own <c>MCPGUARD_HOME</c>; port 0 (the default) lets the
/// desk pick one, and <see cref="Port"/> is the one it printed.
/// </summary>
internal sealed class DeskProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DeskProcess(Process process, string home, string pageUrl)
    {
        _process = process;
        Port = new Uri(pageUrl).Port;
        Home = home;
        PageUrl = pageUrl;
    }

    public int Port { get; }

    public string Home { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The address the desk printed, with this user's key (<c>/?key=…</c>).</summary>
    public string PageUrl { get; }

    /// <summary>
    /// An HTTP client like the user's browser: it opened <see cref="PageUrl"/> and keeps the key cookie.
    /// </summary>
    public async Task<HttpClient> OpenAsBrowserAsync()
    {
        var http = new HttpClient(
            new SocketsHttpHandler { UseProxy = false, CookieContainer = new System.Net.CookieContainer() });
        using var opened = await http.GetAsync(PageUrl, TestContext.Current.CancellationToken);
        opened.EnsureSuccessStatusCode();
        return http;
    }

    /// <summary>A fresh MCPGUARD_HOME; removed when the test run ends (a desk may restart in it mid-test).</summary>
    public static string NewHome()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-home-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // Already gone, or still in use by a process the run is tearing down: the temp folder keeps it.
            }
        };
        return home;
    }

    /// <summary>
    /// Starts the desk and returns once it prints its address (it is listening by then). A test that needs the port
    /// before the desk starts (to start it again on the same one) picks it with <see cref="LoopbackPort"/>.
    /// </summary>
    public static async Task<DeskProcess> StartAsync(string home, int port = 0)
    {
        var guard = RepoPaths.Guard;
        var start = new ProcessStartInfo(guard.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (var argument in guard.Prefix.Concat(
            ["desk", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MCPGUARD_HOME"] = home;
        var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string? pageUrl;
        try
        {
            pageUrl = await ReadPageUrlAsync(process).WaitAsync(TestConstants.DefaultTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"mcpguard desk did not print its address in {TestConstants.DefaultTimeout.TotalSeconds} s (killed): "
                + await stderr);
        }

        if (pageUrl is null)
        {
            throw new InvalidOperationException($"mcpguard desk exited before it was listening: {await stderr}");
        }

        _ = process.StandardOutput.ReadToEndAsync();
        return new DeskProcess(process, home, pageUrl);
    }

    private static async Task<string?> ReadPageUrlAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.Contains("McpGuard desk: http://", StringComparison.Ordinal))
            {
                return line.Split(' ').First(word => word.StartsWith("http://", StringComparison.Ordinal));
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }
}
