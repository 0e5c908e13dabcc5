using System.IO.Pipelines;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Stdio;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.Stdio;

/// <summary>docs/relay.md#lifecycle: the child's start, its death with requests in flight, and client EOF.</summary>
public sealed class StdioRelayLifecycleTests
{
    [Fact]
    public async Task RunAsync_ChildDiesWithThreeRequestsPending_ThreeErrorsThenChildExitCode()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadResponseAsync("\"list\"");

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hang"}}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"two","method":"tools/call","params":{"name":"hang"}}""");
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"hang"}}""");
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/exit","params":{"code":7}}""");

        var answers = new List<JsonElement>();
        while (await relay.ReadLineAsync() is { } line)
        {
            answers.Add(JsonDocument.Parse(line).RootElement);
        }

        Assert.Equal(7, await relay.WaitForExitAsync());
        Assert.Equal(
            ["\"two\"", "1", "9007199254740993"],
            answers.Select(a => a.GetProperty("id").GetRawText()).Order(StringComparer.Ordinal));
        Assert.All(answers, a => Assert.Equal(-32603, a.GetProperty("error").GetProperty("code").GetInt32()));
        Assert.All(
            answers,
            a => Assert.Contains(
                "code 7", a.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal));
    }

    /// <summary>A call held for the guard's own tools/list when the child dies is answered once, not twice.</summary>
    [Fact]
    public async Task RunAsync_ChildDiesWhileCallHeldForGuardList_CallAnsweredExactlyOnce()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, holdToolsList: true, announceHeldLists: true);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":"held","method":"tools/call","params":{"name":"echo"}}""");
        Assert.Equal("""{"jsonrpc":"2.0","method":"test/list-held"}""", await relay.ReadTextAsync());
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/exit","params":{"code":9}}""");

        var answers = new List<string>();
        while (await relay.ReadLineAsync() is { } line)
        {
            answers.Add(System.Text.Encoding.UTF8.GetString(line));
        }

        Assert.Equal(9, await relay.WaitForExitAsync());
        var answer = Assert.Single(answers);
        Assert.Contains("\"id\":\"held\",\"error\":{\"code\":-32603", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClientEof_ChildStdinClosedAndItsExitCodeReturned()
    {
        // The fake exits with 5 when its stdin ends; a child stopped by SIGTERM or a kill would not return 5.
        using var server = FakeServer.Create(RelayPolicies.StandardTools, exitCodeOnEof: 5);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SyncAsync();

        await relay.CloseInputAsync();

        Assert.Equal(5, await relay.WaitForExitAsync());
        Assert.Null(await relay.ReadLineAsync());
    }

    [Theory]
    [InlineData(false, 128 + 15)]
    [InlineData(true, 128 + 9)]
    public async Task RunAsync_ClientEofAndChildKeepsRunning_EscalatesToSigtermThenKill(
        bool ignoreSigterm, int exitCode)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is POSIX only.");
        using var server = FakeServer.Create(
            RelayPolicies.StandardTools, ignoreEof: true, ignoreSigterm: ignoreSigterm);
        var options = RelayHarness.FastShutdown with
        {
            Shutdown = new ShutdownTimeouts
            {
                AfterStdinClosed = TimeSpan.FromMilliseconds(300),
                AfterSigterm = TimeSpan.FromMilliseconds(500)
            },
        };
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine, options);
        await relay.SyncAsync();

        await relay.CloseInputAsync();

        Assert.Equal(exitCode, await relay.WaitForExitAsync());
    }

    [Fact]
    public async Task RunAsync_ChildCannotStart_ChildStartExceptionNamingCommand()
    {
        var command = Path.Combine(Path.GetTempPath(), $"no-such-mcp-server-{Guid.NewGuid():n}");
        var policy = PolicyLoader.LoadText(RelayPolicies.Standard, "test.yaml").Policy!;
        var engine = new PolicyEngine(policy);
        var relay = new StdioRelay(
            new SessionPolicy(engine),
            channels => McpGuard.Approval.Approvers.Create(
                engine, new McpGuard.Session.ElicitationChannel(channels), NullLoggerFactory.Instance),
            new McpGuard.Audit.NullAuditLog(), new RelayOptions(), NullLoggerFactory.Instance);
        var input = new Pipe();
        var output = new Pipe();
        using var stderr = new MemoryStream();

        var ex = await Assert.ThrowsAsync<ChildStartException>(
            () => relay.RunAsync(
                [command, "--flag"], "test-server", input.Reader.AsStream(), output.Writer.AsStream(), stderr,
                TestContext.Current.CancellationToken));

        Assert.Contains(command, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StopRequested_ChildStdinClosedAndPendingAnswered()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools, exitCodeOnEof: 3);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadResponseAsync("\"list\"");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hang"}}""");
        await relay.SyncAsync();

        await relay.StopAsync();

        var pending = await relay.ReadJsonAsync();
        Assert.Equal(1, pending.GetProperty("id").GetInt32());
        Assert.Equal(-32603, pending.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Null(await relay.ReadLineAsync());
        Assert.Equal(3, await relay.WaitForExitAsync());
    }
}
