using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Pins;

/// <summary>
/// The pins tests' server takes what <c>run</c> writes to a child that has not answered a 2026-07-28 probe within 1 s:
/// one empty line (docs/relay.md#a-2025-only-server-and-a-modern-client; "servers skip it").
/// </summary>
public sealed class ChangingServerTests
{
    private const string Discover = """{"jsonrpc":"2.0","id":"d","method":"server/discover","params":{}}""";

    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The script died of the empty line after answering the probe (JSON.parse of it, exit 1), so on a loaded machine,
    /// where node starts in over 1 s, PinnedRunTests failed at the handshake with "The MCP server exited (code 1)
    /// before answering". The order is forced here by writing the lines to the script directly: no clock.
    /// </summary>
    [Fact]
    public async Task ProbeEmptyLineInitialize_TheEmptyLineIsSkipped_BothAnswered()
    {
        using var server = new ChangingServer(ChangingServer.GetTime);
        string[] command = [.. server.Command];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(Discover + "\n\n" + Initialize + "\n");
        await process.StandardInput.FlushAsync(Ct);
        var probe = await ReadLineAsync(process);
        var initialized = await ReadLineAsync(process);
        process.StandardInput.Close();
        await process.WaitForExitAsync(Ct).WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Contains("\"id\":\"d\"", probe, StringComparison.Ordinal);
        Assert.NotNull(initialized);
        Assert.Contains("\"serverInfo\":{\"name\":\"changing\"", initialized, StringComparison.Ordinal);
        Assert.Equal(0, process.ExitCode);
    }

    private static async Task<string?> ReadLineAsync(Process process) =>
        await process.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TestConstants.DefaultTimeout, Ct);
}
