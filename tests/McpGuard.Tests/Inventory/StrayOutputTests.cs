using McpGuard.Cli;
using McpGuard.Inventory;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// A server that writes something other than MCP on its stdout (an HTTP server's "listening on", a usage text, a
/// banner) and never answers: the line that says why it could not be listed names what it wrote there, made inert,
/// instead of only "it wrote nothing to stderr" (or, for one that stays, "no answer within 60 s").
/// </summary>
public sealed class StrayOutputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServerWritesNonMcpToStdoutAndExits_TheFailureLineSaysWhatItWrote()
    {
        // It reads the guard's initialize first: a server gone before that write makes the write race its exit.
        string[] commandLine = ["sh", "-c",
            "read line; echo 'Listening on http://localhost:3000 \u001b[31m'; echo '{\"status\":\"ok\"}'; echo; "
            + "exit 0"];
        using var error = new StringWriter();

        var listing = await ServerInspection.ListAsync(
                commandLine, ServerConnector.Stdio, verbose: false, error, Ct)
            .WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal(1, listing.ExitCode);
        var line = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Contains(
            "it exited with code 0 before it answered; it wrote nothing to stderr; its stdout had 2 lines that are "
            + "not MCP messages (stdout is for MCP messages only; a server's logs belong on stderr), the first: "
            + "Listening on http://localhost:3000 \\u001B[31m (--verbose for details)",
            line,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerThatWritesOnlyMcp_FailureLineIsAsBefore()
    {
        string[] commandLine = ["sh", "-c", "read line; echo 'no key' >&2; exit 3"];
        using var error = new StringWriter();

        await ServerInspection.ListAsync(commandLine, ServerConnector.Stdio, verbose: false, error, Ct)
            .WaitAsync(TestConstants.DefaultTimeout, Ct);

        var line = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.EndsWith(
            "it exited with code 3 before it answered; its stderr ends: no key (--verbose for details)",
            line,
            StringComparison.Ordinal);
    }
}
