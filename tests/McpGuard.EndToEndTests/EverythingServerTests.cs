using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

// Sampling and roots are deprecated by the 2026-07-28 spec (MCP9005) but real clients and servers still
// use them, and the guard must pass them through; these tests exercise exactly those obsolete APIs.
#pragma warning disable MCP9005

namespace McpGuard.EndToEndTests;

/// <summary>
/// The guard around a third-party server (server-everything from npm) driven by the SDK's client:
/// the filtering works, and everything else — sampling, elicitation, roots, progress, logging — passes through.
/// </summary>
public sealed class EverythingServerTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [get-env]
        tools:
          get-sum: deny
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListTools_HiddenTool_IsGoneAndOthersRemain()
    {
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything());

        var names = (await guard.Client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).ToList();

        Assert.DoesNotContain("get-env", names);
        Assert.Contains("echo", names);
        Assert.Contains("get-sum", names);
    }

    [Fact]
    public async Task CallTool_Allowed_ReturnsTheServersAnswer()
    {
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything());

        var result = await guard.Client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["message"] = "hi \"there\"" }, cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("Echo: hi \"there\"", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task CallTool_Denied_IsAnErrorResultTheModelCanRead()
    {
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything());

        var result = await guard.Client.CallToolAsync(
            "get-sum", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.StartsWith("Denied by policy: ", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Theory]
    [InlineData("get-env")]
    [InlineData("no-such-tool")]
    [InlineData("ECHO")]
    public async Task CallTool_HiddenOrUnlistedBeforeListing_IsUnknownTool(string name)
    {
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything());

        var error = await Assert.ThrowsAsync<McpProtocolException>(
            () => guard.Client.CallToolAsync(name, cancellationToken: Ct).AsTask());

        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains($"Unknown tool: {name}", error.Message);
    }

    [Fact]
    public async Task Sampling_ServerToClientRequest_PassesThroughBothWays()
    {
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (request, progress, cancellationToken) => ValueTask.FromResult(new CreateMessageResult
                {
                    Content = [new TextContentBlock { Text = "sampled by the test client" }],
                    Model = "test-model",
                    Role = Role.Assistant,
                }),
            },
        };
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything(), options);

        var result = await guard.Client.CallToolAsync(
            "trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "hello" },
            cancellationToken: Ct);

        Assert.Contains(
            "sampled by the test client", JsonSerializer.Serialize(result.Content, McpJsonUtilities.DefaultOptions));
    }

    [Fact]
    public async Task Elicitation_ServerToClientRequest_PassesThroughBothWays()
    {
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (
                    request, cancellationToken) => ValueTask.FromResult(new ElicitResult { Action = "decline" }),
            },
        };
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything(), options);

        var result = await guard.Client.CallToolAsync("trigger-elicitation-request", cancellationToken: Ct);

        Assert.Contains("decline", JsonSerializer.Serialize(result.Content, McpJsonUtilities.DefaultOptions));
    }

    [Fact]
    public async Task Roots_ServerAsksClient_PassesThroughBothWays()
    {
        var options = new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Roots = new RootsCapability { ListChanged = true } },
            Handlers = new McpClientHandlers
            {
                RootsHandler = (request, cancellationToken) => ValueTask.FromResult(new ListRootsResult
                {
                    Roots = [new Root { Uri = "file:///tmp/guarded-root", Name = "guarded-root" }],
                }),
            },
        };
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything(), options);

        var result = await guard.Client.CallToolAsync("get-roots-list", cancellationToken: Ct);

        Assert.Contains("guarded-root", JsonSerializer.Serialize(result.Content, McpJsonUtilities.DefaultOptions));
    }

    [Fact]
    public async Task Progress_NotificationsReachTheClientInOrderBeforeTheResult()
    {
        // Raw lines, not the SDK client: the SDK drops a progress notification it dispatches after the call's
        // result, which made this test flaky on a busy machine; the guard's job is the order on the wire.
        await using var guard = RawGuard.Start(Policy, GuardedServer.Everything());
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ReadLineContainingAsync("\"id\":1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"""
                + """{"name":"trigger-long-running-operation","arguments":"""
                + """{"duration":1,"steps":3},"_meta":{"progressToken":"p1"}}}""");

        var progress = new List<double>();
        string line;
        while (!(line = await guard.ReadLineAsync()).Contains("\"id\":2", StringComparison.Ordinal))
        {
            using var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty("method", out var method)
                && method.GetString() == "notifications/progress")
            {
                Assert.Equal("p1", message.RootElement.GetProperty("params").GetProperty("progressToken").GetString());
                progress.Add(message.RootElement.GetProperty("params").GetProperty("progress").GetDouble());
            }
        }

        using var result = JsonDocument.Parse(line);
        Assert.True(result.RootElement.TryGetProperty("result", out _), line);
        Assert.Equal([1, 2, 3], progress);
    }

    [Fact]
    public async Task PromptsAndResources_PassThroughUnchanged()
    {
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything());

        var prompts = await guard.Client.ListPromptsAsync(cancellationToken: Ct);
        var resources = await guard.Client.ListResourcesAsync(cancellationToken: Ct);
        await guard.Client.PingAsync(cancellationToken: Ct);

        Assert.NotEmpty(prompts);
        Assert.NotEmpty(resources);
    }
}
