using System.Diagnostics;
using System.Globalization;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A node server that cannot say which port it bound (server-everything, supergateway, the conformance fixture), on
/// port 0: tests/npm/report-port.cjs, preloaded, prints the port it really bound, so no other process can take it
/// between a pick and the bind. Ready once the server prints a given text on stdout or stderr and its port is known
/// (both streams are read to the end, so a chatty process never blocks on a full pipe; a stalled start is tried once
/// more).
/// </summary>
internal sealed class ListeningProcess : IAsyncDisposable
{
    private const string Listening = "MCPGUARD-TEST LISTENING ";

    private readonly FixtureProcess _process;

    private ListeningProcess(FixtureProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Both streams as they came, each line marked <c>out|</c> or <c>err|</c>.</summary>
    public string Output => _process.Output;

    /// <summary>
    /// Starts <paramref name="command"/> (node) with <c>{port}</c> in an argument and <c>PORT</c> set to 0.
    /// </summary>
    public static async Task<ListeningProcess> StartAsync(string ready, string command, params string[] arguments)
    {
        var (process, port) = await StartOnPortZeroAsync(Path.GetFileName(command), ready, command, arguments);
        return new ListeningProcess(process, port);
    }

    /// <summary>The process behind <see cref="StartAsync"/>, and the port it bound.</summary>
    internal static async Task<(FixtureProcess Process, int Port)> StartOnPortZeroAsync(
        string name, string ready, string command, params string[] arguments)
    {
        var port = 0;
        var said = false;
        var gate = new Lock();
        var process = await FixtureProcess.StartAsync(
            name,
            () =>
            {
                (port, said) = (0, false);
                var start = new ProcessStartInfo(command);
                foreach (var argument in arguments)
                {
                    start.ArgumentList.Add(argument.Replace("{port}", "0", StringComparison.Ordinal));
                }

                start.Environment["PORT"] = "0";
                start.Environment["NODE_OPTIONS"] = $"--require \"{RepoPaths.NpmScriptPath("report-port.cjs")}\"";
                return start;
            },
            line =>
            {
                // The two lines come on two streams, read side by side: ready once both have come.
                lock (gate)
                {
                    if (port == 0 && line.StartsWith(Listening, StringComparison.Ordinal))
                    {
                        port = int.Parse(line[Listening.Length..], CultureInfo.InvariantCulture);
                    }

                    said |= line.Contains(ready, StringComparison.Ordinal);
                    return said && port != 0;
                }
            },
            TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        return (process, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
