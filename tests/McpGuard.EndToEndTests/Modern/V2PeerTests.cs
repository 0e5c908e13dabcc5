using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Modern;

/// <summary>
/// The TypeScript SDK v2 client and server (2.4.0, real npm peers) through the built guard, in both eras: "auto"
/// negotiates 2026-07-28, "legacy" speaks 2025-11-25. Each allowed step must give what it gives directly.
/// </summary>
public sealed class V2PeerTests
{
    internal const string Policy = """
        version: 1
        default: allow
        tools:
          place_order:
            rules:
              - when: { qty: { lte: 1 } }
                action: require_approval
              - action: deny
                reason: orders above 1 are refused
        approval:
          timeout: 60s
          channels: [elicitation]
        """;

    [Theory]
    [InlineData("auto", "2026-07-28")]
    [InlineData("legacy", "2025-11-25")]
    public async Task Deny_BothEras_ClientReadsTheDenialAndNothingRan(string era, string revision)
    {
        await using var run = V2ClientRun.Start(era, "deny", Policy);

        Assert.Equal(revision, (await run.StepAsync("connected")).GetProperty("era").GetString());
        var denied = await run.StepAsync("denied");
        Assert.Equal("Denied by policy: orders above 1 are refused", V2ClientRun.ResultText(denied));
        Assert.True(denied.GetProperty("result").GetProperty("isError").GetBoolean());
        Assert.Equal("echo: hi", V2ClientRun.ResultText(await run.StepAsync("allowed")));
        await run.StepAsync("closed");
        Assert.Equal(0, await run.WaitForExitAsync());
        Assert.DoesNotContain("RAN place_order", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The guard lists the tools itself first, in the client's era, so the server is not pinned to 2025.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task CallBeforeAnyList_BothEras_AnsweredAndLaterStepsWork(string era)
    {
        await using var run = V2ClientRun.Start(era, "call-first", Policy);

        Assert.Equal("echo: first", V2ClientRun.ResultText(await run.StepAsync("echo")));
        var list = await run.StepAsync("list");
        Assert.Equal(
            ["echo", "place_order", "confirm", "wait_ms", "pick_tools", "add_tool"],
            list.GetProperty("result").EnumerateArray().Select(n => n.GetString()));
        await run.StepAsync("closed");
    }

    /// <summary>
    /// A tool the server adds after the client listed: callable in both eras, also with no listen stream open.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task ToolAddedAfterList_BothEras_Callable(string era)
    {
        await using var run = V2ClientRun.Start(era, "late-tool", Policy);

        Assert.Equal("added", V2ClientRun.ResultText(await run.StepAsync("add")));
        Assert.Equal("late ran", V2ClientRun.ResultText(await run.StepAsync("late")));
        await run.StepAsync("closed");
    }

    /// <summary>
    /// Asked in the client, also when elicitation is not the first channel: no desk runs in this test's home, so
    /// elicitation is the first channel that can ask (in the 2026-07-28 era, in band).
    /// </summary>
    [Theory]
    [InlineData("auto", "[elicitation]")]
    [InlineData("legacy", "[elicitation]")]
    [InlineData("auto", "[desk, elicitation]")]
    [InlineData("legacy", "[desk, elicitation]")]
    public async Task Approval_Approved_TheOrderRunsOnce(string era, string channels)
    {
        await using var run = V2ClientRun.Start(
            era, "approve",
            Policy.Replace("channels: [elicitation]", "channels: " + channels, StringComparison.Ordinal),
            approve: "yes");

        var question = await run.StepAsync("elicited");
        Assert.Contains("place_order", question.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("placed 0.6 BTCUSDT", V2ClientRun.ResultText(await run.StepAsync("order")));
        await run.StepAsync("closed");
        await run.WaitForExitAsync();
        Assert.Single(run.Stderr.Split('\n'), line => line.StartsWith("RAN place_order", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task Approval_Refused_DeniedAndNothingRan(string era)
    {
        await using var run = V2ClientRun.Start(era, "approve", Policy, approve: "no");

        await run.StepAsync("elicited");
        var order = await run.StepAsync("order");
        Assert.StartsWith(
            "Denied by policy: the person refused in the client", V2ClientRun.ResultText(order),
            StringComparison.Ordinal);
        await run.StepAsync("closed");
        await run.WaitForExitAsync();
        Assert.DoesNotContain("RAN place_order", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Nobody answers the question in time: denied with the reason, nothing ran. (The 2025 era, where the guard
    /// waits for the client's answer; in the 2026-07-28 era the guard does not wait, and a late retry is refused as
    /// expired: ModernWireTests.Approval_RetryAfterDeadline_DeniedAsExpired.)
    /// </summary>
    [Fact]
    public async Task Approval_NotAnsweredInTime_DeniedAndNothingRan()
    {
        await using var run = V2ClientRun.Start(
            "legacy", "approve", Policy.Replace("timeout: 60s", "timeout: 2s", StringComparison.Ordinal),
            approve: "never");

        await run.StepAsync("elicited");
        var order = await run.StepAsync("order");
        Assert.StartsWith(
            "Denied by policy: nobody approved place_order on the elicitation channel within 2s",
            V2ClientRun.ResultText(order), StringComparison.Ordinal);
        await run.StepAsync("closed");
        await run.WaitForExitAsync();
        Assert.DoesNotContain("RAN place_order", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A server's own input-required rounds pass through the guard: the client is asked by the server and the tool
    /// completes.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task ServerInputRequiredTool_BothEras_CompletesAsDirect(string era)
    {
        await ServerRoundsCompleteAsync(era, Policy);
    }

    /// <summary>
    /// A server's own input-required rounds count once against a budget (docs/limits.md#give-back): 0.6 and then
    /// 0.3 fit in `max: 1` only if the round the server answered `input_required` gave its 0.6 back before the retry
    /// was counted. Counted per round, the first retry (0.6 + 0.6) would be denied.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task ServerInputRequiredTool_WithBudget_CountsEachLogicalCallOnce(string era)
    {
        const string budgeted = """
            version: 1
            default: allow
            tools:
              confirm:
                budget: { argument: qty, max: 1, window: 24h }
                action: allow
            state:
              store: memory
            """;
        await ServerRoundsCompleteAsync(era, budgeted);
    }

    /// <summary>
    /// The server asks about 0.6 in band, confirms it, then confirms 0.3: both rounds complete as they do directly.
    /// <paramref name="server"/>: the guard's server arguments (<c>--url</c> for RemoteV2PeerTests), by default the
    /// v2 stdio server.
    /// </summary>
    internal static async Task ServerRoundsCompleteAsync(
        string era, string policy, IReadOnlyList<string>? server = null)
    {
        await using var run = V2ClientRun.Start(era, "server-rounds", policy, server: server);

        Assert.Contains(
            "Really 0.6?", (await run.StepAsync("elicited")).GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.Equal("confirmed 0.6", V2ClientRun.ResultText(await run.StepAsync("confirm")));
        Assert.Equal("confirmed 0.3", V2ClientRun.ResultText(await run.StepAsync("confirm-again")));
        await run.StepAsync("closed");
    }

    /// <summary>
    /// By default a server cannot have the client's model pick tools: the guard passes on no <c>sampling.tools</c>
    /// capability, so this well-behaved server does not even ask (the guard's own refusals of a server that asks
    /// anyway are StdioRelaySamplingTests). The model is never asked and the server never acts on a pick.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task SamplingWithTools_BothEras_Refused(string era)
    {
        await using var run = V2ClientRun.Start(era, "sampling", Policy);

        var steps = await run.StepsUntilAsync("closed");
        await run.WaitForExitAsync();

        var pick = Assert.Single(steps, s => s.GetProperty("step").GetString() == "pick");
        Assert.True(
            pick.TryGetProperty("error", out _) || pick.GetProperty("result").GetProperty("isError").GetBoolean(),
            pick.GetRawText());
        Assert.DoesNotContain(steps, s => s.GetProperty("step").GetString() == "sampled");
        Assert.DoesNotContain("RAN pick_tools", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Opted in with <c>sampling: { tools: judge }</c>, the model's pick is judged like a call: an allowed pick reaches
    /// the server and it runs; a denied one never does (2025: the server's sampling request gets an error; 2026-07-28:
    /// the retry carrying it is denied), and the client reads why.
    /// </summary>
    [Theory]
    [InlineData("auto", """{"name":"echo","input":{"text":"picked"}}""", true)]
    [InlineData("legacy", """{"name":"echo","input":{"text":"picked"}}""", true)]
    [InlineData("auto", """{"name":"place_order","input":{"symbol":"BTCUSDT","qty":"9"}}""", false)]
    [InlineData("legacy", """{"name":"place_order","input":{"symbol":"BTCUSDT","qty":"9"}}""", false)]
    public async Task SamplingWithTools_Judged_AllowedPickRunsDeniedPickNever(string era, string pick, bool runs)
    {
        await using var run = V2ClientRun.Start(era, "sampling", Policy + "\nsampling: { tools: judge }\n", pick: pick);

        var answer = V2ClientRun.ResultText(await run.StepAsync("pick"));
        await run.StepAsync("closed");
        await run.WaitForExitAsync();

        if (runs)
        {
            Assert.Equal("the model picked", answer);
            Assert.Contains("RAN pick_tools", run.Stderr, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(
                "the model picked place_order: orders above 1 are refused", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("RAN pick_tools", run.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>A reload that hides a tool tells the open listen stream, tagged with its subscription id.</summary>
    [Fact]
    public async Task Reload_ListenStreamOpen_ToldOnThatStream()
    {
        await using var run = V2ClientRun.Start("auto", "listen", Policy);
        await run.StepAsync("listening");

        await File.WriteAllTextAsync(
            run.PolicyPath, Policy + "\nhide: [echo]\n", TestContext.Current.CancellationToken);

        var changed = await run.StepAsync("list_changed");
        Assert.True(
            changed.GetProperty("params").GetProperty("_meta")
                .TryGetProperty("io.modelcontextprotocol/subscriptionId", out _));
        run.CloseStdin();
        await run.StepAsync("closed");
    }
}
