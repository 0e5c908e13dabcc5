using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// The TypeScript SDK v2 test server over Streamable HTTP (tests/npm/v2/http-server.mjs), both eras, on a free
/// loopback port it picks itself. Its stderr carries a line per HTTP request (method and headers) and a line per
/// tool that ran.
/// </summary>
internal sealed class V2HttpServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrReader;

    private V2HttpServer(Process process, int port)
    {
        _process = process;
        Url = $"http://127.0.0.1:{port}/mcp";
        _stderrReader = ReadStderrAsync();
    }

    public string Url { get; }

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

    /// <summary>Every HTTP request the server received, as <c>{method, headers}</c>.</summary>
    public IReadOnlyList<JsonElement> Requests => Stderr.Split('\n')
        .Where(line => line.StartsWith("HTTP ", StringComparison.Ordinal))
        .Select(line => JsonDocument.Parse(line[5..]).RootElement.Clone())
        .ToList();

    public static Task<V2HttpServer> StartAsync() => StartAsync(RepoPaths.NpmScriptPath("v2/http-server.mjs"));

    /// <summary>Starts a node script that prints <c>LISTENING PORT</c> on stdout once it serves.</summary>
    public static async Task<V2HttpServer> StartAsync(string script, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        startInfo.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo)!;
        var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TestConstants.DefaultTimeout);
        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} did not start: {line} {await process.StandardError.ReadToEndAsync()}");
        }

        return new V2HttpServer(process, int.Parse(line["LISTENING ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _stderrReader.WaitAsync(TestConstants.DefaultTimeout);
        _process.Dispose();
    }

    private async Task ReadStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        }
    }
}
