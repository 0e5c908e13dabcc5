using System.Diagnostics;
using System.Globalization;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A server process on a free loopback port, ready once it prints a given text on stdout or stderr (both are read
/// to the end, so a chatty process never blocks on a full pipe; a stalled start is tried once more on a new port).
/// </summary>
internal sealed class ListeningProcess : IAsyncDisposable
{
    private readonly FixtureProcess _process;

    private ListeningProcess(FixtureProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Both streams as they came, each line marked <c>out|</c> or <c>err|</c>.</summary>
    public string Output => _process.Output;

    /// <summary>Starts <paramref name="command"/>; <c>{port}</c> in an argument and <c>PORT</c> are the port.</summary>
    public static async Task<ListeningProcess> StartAsync(string ready, string command, params string[] arguments)
    {
        var port = 0;
        var process = await FixtureProcess.StartAsync(
            Path.GetFileName(command),
            () =>
            {
                port = DeskProcess.FreePort();
                var text = port.ToString(CultureInfo.InvariantCulture);
                var start = new ProcessStartInfo(command);
                foreach (var argument in arguments)
                {
                    start.ArgumentList.Add(argument.Replace("{port}", text, StringComparison.Ordinal));
                }

                start.Environment["PORT"] = text;
                return start;
            },
            line => line.Contains(ready, StringComparison.Ordinal),
            TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        return new ListeningProcess(process, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
