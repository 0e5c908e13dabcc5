using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Approval;

/// <summary>
/// require_approval through the real guard: only an explicit yes forwards; every other path denies saying why.
/// </summary>
public sealed class ApprovalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 60 s where the test answers: the question, the answer and the approver's start must all fit in the approval
    // timeout, and at a load of 40 on two cores a 2 s timeout could deny a call a person (or command) approved in
    // time. Only the test about nobody answering waits out a short one.
    private static string Policy(string channels, string extra = "", string timeout = "60s") =>
        "version: 1\ndefault: allow\ntools:\n  echo: require_approval\n"
            + $"approval:\n  timeout: {timeout}\n  channels: [{channels}]\n{extra}";

    private static McpClientOptions Answering(
        Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>> answer, List<string>? asked = null) =>
        new()
    {
        Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability() },
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, cancellationToken) =>
            {
                asked?.Add(request?.Message ?? "");
                return answer(request, cancellationToken);
            },
        },
    };

    private static ElicitResult Accept(bool approve) => new()
    {
        Action = "accept",
        Content = new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(approve) },
    };

    private static async Task<CallToolResult> EchoAsync(GuardedServer guard) =>
        await guard.Client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["message"] = "hi" }, cancellationToken: Ct);

    private static string Text(CallToolResult result) =>
        Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    [Fact]
    public async Task Elicitation_PersonApproves_CallIsForwarded()
    {
        var asked = new List<string>();
        await using var guard = await GuardedServer.StartAsync(
            Policy("elicitation"), GuardedServer.Everything(),
            Answering((_, _) => ValueTask.FromResult(Accept(true)), asked));

        var result = await EchoAsync(guard);

        Assert.Equal("Echo: hi", Text(result));
        Assert.Contains("wants to call echo", Assert.Single(asked));
        Assert.Contains("\"message\": \"hi\"", asked[0]);
    }

    [Theory]
    [InlineData("accept-false")]
    [InlineData("decline")]
    [InlineData("cancel")]
    public async Task Elicitation_AnythingButAnExplicitYes_Denies(string answer)
    {
        var reply = answer == "accept-false" ? Accept(false) : new ElicitResult { Action = answer };
        await using var guard = await GuardedServer.StartAsync(
            Policy("elicitation"), GuardedServer.Everything(), Answering((_, _) => ValueTask.FromResult(reply)));

        var result = await EchoAsync(guard);

        Assert.True(result.IsError);
        Assert.Contains("refused in the client", Text(result));
    }

    [Fact]
    public async Task Elicitation_NobodyAnswers_DeniedAfterTheTimeout()
    {
        await using var guard = await GuardedServer.StartAsync(
            Policy("elicitation", timeout: "2s"), GuardedServer.Everything(), Answering(async (_, cancellationToken) =>
        {
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken); // nobody ever answers
            return Accept(true);
        }));

        var result = await EchoAsync(guard);

        Assert.True(result.IsError);
        Assert.Contains("within 2s", Text(result));
        await guard.Client.PingAsync(cancellationToken: Ct);
    }

    [Fact]
    public async Task NoChannelAvailable_ModelReadsAShortPathFreeReason_OperatorGetsHowToSetOneUp()
    {
        // A home of its own, where no desk ever ran: the user's real desk (if any) stays out of it.
        var home = DeskProcess.NewHome();
        var audit = Path.Combine(home, "audit.jsonl");
        await using var guard = await GuardedServer.StartAsync(
            Policy("elicitation, desk"), GuardedServer.Everything(), guardOptions: ["--audit", audit],
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home });

        var result = await EchoAsync(guard);

        // What the model reads (and its provider sees): what happened and what to do, nothing local.
        Assert.True(result.IsError);
        Assert.Equal(
            "Denied by policy: echo needs a person's approval (tools.echo),"
                + " but no approval channel is available to ask one; "
                + "tell the user that approvals are not set up.",
            Text(result));
        Assert.True(Text(result).Length <= 200, $"{Text(result).Length} characters");
        Assert.DoesNotContain(home, Text(result));
        Assert.DoesNotContain("/", Text(result));

        // The operator: which channels were tried and how to set one up, on stderr and in the audit.
        await guard.WaitForStderrAsync("desk: no desk has been started");
        Assert.Contains(
            guard.Stderr, l => l.Contains("elicitation: the client did not declare", StringComparison.Ordinal)
            && l.Contains("docs/approval.md", StringComparison.Ordinal));
        var refused = File.ReadLines(audit).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(r => r.TryGetProperty("decision", out var d) && d.GetString() == "refused");
        Assert.Equal(Text(result)["Denied by policy: ".Length..], refused.GetProperty("reason").GetString());
        Assert.Contains(
            "desk: no desk has been started", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("mcpguard desk", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exit 0", false)]
    [InlineData("exit 1", true)]
    public async Task Command_ExitCodeDecides_AndGetsTheRequestOnStdin(string exit, bool denied)
    {
        var seen = Path.Combine(Path.GetTempPath(), $"mcpguard-approver-{Guid.NewGuid():n}.json");
        var policy = Policy("command", $"  command: [sh, -c, \"cat > {seen}; {exit}\"]\n");
        await using var guard = await GuardedServer.StartAsync(policy, GuardedServer.Everything());

        var result = await EchoAsync(guard);

        Assert.Equal(denied, result.IsError == true);
        using var request = JsonDocument.Parse(File.ReadAllText(seen));
        Assert.Equal("echo", request.RootElement.GetProperty("tool").GetString());
        Assert.Equal("hi", request.RootElement.GetProperty("arguments").GetProperty("message").GetString());
        File.Delete(seen);
    }

    [Fact]
    public async Task OtherTraffic_KeepsFlowingWhileACallAwaitsApproval()
    {
        var release = new TaskCompletionSource<ElicitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var askedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var guard = await GuardedServer.StartAsync(
            Policy("elicitation"),
            GuardedServer.Everything(),
            Answering((_, _) =>
            {
                askedOnce.TrySetResult();
                return new ValueTask<ElicitResult>(release.Task);
            }));

        var held = EchoAsync(guard);
        await askedOnce.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        var sum = await guard.Client.CallToolAsync(
            "get-sum", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 }, cancellationToken: Ct);
        Assert.False(held.IsCompleted);
        release.SetResult(Accept(true));

        Assert.Contains("5", Text(sum));
        Assert.Equal("Echo: hi", Text(await held));
    }
}
