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

        var result = await guard.Client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hi \"there\"" }, cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("Echo: hi \"there\"", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task CallTool_Denied_IsAnErrorResultTheModelCanRead()
    {
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything());

        var result = await guard.Client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 }, cancellationToken: Ct);

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

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => guard.Client.CallToolAsync(name, cancellationToken: Ct).AsTask());

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

        var result = await guard.Client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "hello" }, cancellationToken: Ct);

        Assert.Contains("sampled by the test client", JsonSerializer.Serialize(result.Content, McpJsonUtilities.DefaultOptions));
    }

    [Fact]
    public async Task Elicitation_ServerToClientRequest_PassesThroughBothWays()
    {
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, cancellationToken) => ValueTask.FromResult(new ElicitResult { Action = "decline" }),
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
    public async Task Progress_NotificationsReachTheClient()
    {
        await using var guard = await GuardedServer.StartAsync(Policy, GuardedServer.Everything());
        var updates = new System.Collections.Concurrent.ConcurrentQueue<ProgressNotificationValue>();
        var allThree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SynchronousProgress(update =>
        {
            updates.Enqueue(update);
            if (updates.Count == 3)
            {
                allThree.TrySetResult();
            }
        });

        var result = await guard.Client.CallToolAsync(
            "trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 1, ["steps"] = 3 },
            progress,
            cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);

        // The client library dispatches notifications on its own, so the last may land just after the result.
        await allThree.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        Assert.Equal(3, updates.Count);
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

    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
