using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A real MCP server from npm over Streamable HTTP on a free loopback port: the TypeScript SDK v2 test server
/// (tests/npm/v2/http-server.mjs, both eras; its stderr carries a line per HTTP request, with method and headers,
/// and a line per tool that ran), or server-everything in its streamableHttp mode.
/// </summary>
internal sealed class NodeHttpServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrReader;

    private NodeHttpServer(Process process, int port, IReadOnlyList<int>? ports = null)
    {
        _process = process;
        Ports = ports ?? [port];
        Url = $"http://127.0.0.1:{port}/mcp";
        _stderrReader = ReadStderrAsync();
    }

    public string Url { get; }

    /// <summary>Every port the script said it listens on (the MCP endpoint's first).</summary>
    public IReadOnlyList<int> Ports { get; }

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

    public static Task<NodeHttpServer> StartV2Async() => StartAsync(RepoPaths.NpmScriptPath("v2/http-server.mjs"));

    /// <summary>
    /// server-everything (<c>node dist/index.js streamableHttp</c>) on a port found free just before.
    /// </summary>
    public static async Task<NodeHttpServer> StartEverythingAsync()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(RepoPaths.ServerEverything);
        startInfo.ArgumentList.Add("streamableHttp");
        startInfo.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(startInfo)!;
        while (await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(TestConstants.DefaultTimeout) is { } line)
        {
            if (line.Contains("listening on port", StringComparison.Ordinal))
            {
                return new NodeHttpServer(process, port);
            }
        }

        throw new InvalidOperationException("server-everything did not start in streamableHttp mode.");
    }

    /// <summary>Starts a node script that prints <c>LISTENING PORT</c> on stdout once it serves.</summary>
    public static async Task<NodeHttpServer> StartAsync(string script, params string[] arguments)
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
        var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(TestConstants.DefaultTimeout);
        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"{script} did not start: {line} {await process.StandardError.ReadToEndAsync()}");
        }

        var ports = line["LISTENING ".Length..].Split(' ')
            .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new NodeHttpServer(process, ports[0], ports);
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
