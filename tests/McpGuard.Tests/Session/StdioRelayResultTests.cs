using System.Text.Json.Nodes;
using McpGuard.Session;
using McpGuard.Tests.Policy;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// The result policy through the whole relay (docs/results.md): tools/call answers, tasks/result, resources/read;
/// redact, block and max_bytes; the audit's names and counts; --monitor changes nothing; no rule, no change.
/// </summary>
public sealed class StdioRelayResultTests
{
    private const string Secret = "AKIAIOSFODNN7EXAMPLE";
    private const string ListTools = """{"jsonrpc":"2.0","id":"list","method":"tools/list"}""";
    private const string Policy = """
        version: 1
        default: allow
        results: { redact: [secrets], max_bytes: 4KB }
        tools:
          as_task: allow
          sealed_echo:
            action: allow
            results: { block: [emails] }
        """;

    private static string Call(int id, string tool, string text) =>
        $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"method":"tools/call","params":"""
            + $$$$"""{"name":"{{{{tool}}}}","arguments":{"text":"{{{{text}}}}"}}}""";

    private static async Task<RelayHarness> StartAsync(
        FakeServer server, RecordingAuditLog audit, bool monitor = false, string policy = Policy)
    {
        var relay = RelayHarness.Start(
            policy, server.CommandLine,
            RelayHarness.FastShutdown with { Session = RelayHarness.FastShutdown.Session with { Monitor = monitor } },
            audit: audit);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        return relay;
    }

    [Fact]
    public async Task ToolAnswer_WithSecret_IsRedacted_AndAuditedByNameAndCount()
    {
        using var server = FakeServer.Create([["echo", "sealed_echo"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(server, audit);

        await relay.SendAsync(Call(1, "echo", $"key {Secret} and {Secret}"));
        var text = ResultText(await relay.ReadResponseAsync("1"));

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("key [redacted: secrets] and [redacted: secrets]", text, StringComparison.Ordinal);
        var results = Assert.Single(audit.Outcomes).Results!;
        Assert.Equal("redacted", results.Outcome);
        Assert.Equal(2, results.Matches["secrets"]);
        Assert.False(results.Monitor);
    }

    [Fact]
    public async Task ToolAnswer_EntryBlocksEmails_IsDenied_GlobalRulesStillApplyToOthers()
    {
        using var server = FakeServer.Create([["echo", "sealed_echo"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(server, audit);

        await relay.SendAsync(Call(1, "sealed_echo", "write to alice@example.com"));
        var denied = await relay.ReadResponseAsync("1");
        await relay.SendAsync(Call(2, "echo", "write to alice@example.com"));
        var passed = await relay.ReadResponseAsync("2");

        Assert.True(denied.GetProperty("result").GetProperty("isError").GetBoolean());
        Assert.Equal(
            "Denied by policy: the tool ran, but the result contains emails (results.block).", ResultText(denied));
        Assert.Contains("alice@example.com", ResultText(passed), StringComparison.Ordinal);
        Assert.Equal("blocked", audit.Outcomes.First().Results!.Outcome);
    }

    [Fact]
    public async Task ToolAnswer_LargerThanMaxBytes_IsDeniedWithItsSize()
    {
        using var server = FakeServer.Create();
        await using var relay = await StartAsync(server, new RecordingAuditLog());

        await relay.SendAsync(Call(1, "echo", new string('x', 5000)));

        Assert.Matches(
            "^Denied by policy: the tool ran, but the result is [0-9]+ bytes,"
                + " more than results.max_bytes \\(4096 bytes\\)\\.$",
            ResultText(await relay.ReadResponseAsync("1")));
    }

    // The log said "too_large ()": the parentheses of the matches per detector, of which a size has none.
    [Fact]
    public async Task ToolAnswer_LargerThanMaxBytes_IsLoggedWithItsSize()
    {
        using var logs = new CapturingLoggerProvider();
        using var server = FakeServer.Create();
        await using var relay = RelayHarness.Start(
            Policy, server.CommandLine, RelayHarness.FastShutdown, loggerFactory: logs, audit: new RecordingAuditLog());
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(Call(1, "echo", new string('x', 5000)));
        await relay.ReadResponseAsync("1");

        Assert.Contains(
            logs.Entries,
            e => System.Text.RegularExpressions.Regex.IsMatch(
                e.Message,
                "^Result policy on the answer of echo: too_large \\([0-9]+ bytes,"
                    + " more than results.max_bytes of 4096 bytes\\)\\.$"));
    }

    [Fact]
    public async Task Monitor_ReportsAndAudits_ChangesNothing()
    {
        using var server = FakeServer.Create();
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(server, audit, monitor: true);

        await relay.SendAsync(Call(1, "echo", Secret));

        Assert.Contains(Secret, ResultText(await relay.ReadResponseAsync("1")), StringComparison.Ordinal);
        var results = Assert.Single(audit.Outcomes).Results!;
        Assert.True(results.Monitor);
        Assert.Equal(1, results.Matches["secrets"]);
    }

    [Fact]
    public async Task TaskResultAndResourceRead_AreRedacted()
    {
        using var server = FakeServer.Create([["as_task"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(server, audit);
        await relay.SendAsync(
            $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"""
                + $$$$"""{"name":"as_task","arguments":{"task":"{{{{Secret}}}}"},"task":{}}}""");
        await relay.ReadResponseAsync("1");

        await relay.SendAsync(
            $$$"""{"jsonrpc":"2.0","id":2,"method":"tasks/result","params":{"taskId":"{{{Secret}}}"}}""");
        var task = ResultText(await relay.ReadResponseAsync("2"));
        await relay.SendAsync(
            $$$"""{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"secret://{{{Secret}}}"}}""");
        var resource = (await relay.ReadResponseAsync("3")).GetProperty("result").GetProperty("contents")[0];

        Assert.Equal("task done: [redacted: secrets]", task);
        Assert.Equal("secret://[redacted: secrets]", resource.GetProperty("text").GetString());
        Assert.Equal($"secret://{Secret}", resource.GetProperty("uri").GetString());
        Assert.Equal("redacted", Assert.Single(audit.Outcomes).Results!.Outcome);
    }

    /// <summary>
    /// A prompt's messages reach the model as a tool's result does: <c>prompts/get</c> answers go through the global
    /// rules (a prompt is not a tool), redacted in place or withheld with the guard's error.
    /// </summary>
    [Fact]
    public async Task PromptsGet_IsRedacted_OrWithheldWithAnError()
    {
        using var server = FakeServer.Create([["echo"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(
            server, audit, policy: Policy.Replace("max_bytes: 4KB", "block: [emails]", StringComparison.Ordinal));

        await relay.SendAsync(
            $$$"""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"key {{{Secret}}}"}}""");
        var prompt = (await relay.ReadResponseAsync("1")).GetProperty("result");
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"mail alice@example.com"}}""");
        var withheld = (await relay.ReadResponseAsync("2")).GetProperty("error");

        Assert.Equal("key [redacted: secrets]", prompt.GetProperty("description").GetString());
        Assert.Equal(
            "key [redacted: secrets]",
            prompt.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(ResultStage.WithheldCode, withheld.GetProperty("code").GetInt32());
        Assert.StartsWith(
            "McpGuard withheld the prompt: the result contains emails (results.block)",
            withheld.GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.com", withheld.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(audit.Outcomes);
    }

    /// <summary>
    /// The 2026 tasks extension has no tasks/result: a completed task's <c>tasks/get</c> carries the call's result
    /// inline, which reaches the model like any other, so the call's rules read it too (it went out untouched).
    /// </summary>
    [Fact]
    public async Task TaskGetWithTheResultInline_IsRedacted_AndAudited()
    {
        using var server = FakeServer.Create([["as_modern_task"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(server, audit);
        var taskId = "completed-" + Secret;
        await relay.SendAsync(Call(1, "as_modern_task", "x").Replace("\"text\":\"x\"", $"\"task\":\"{taskId}\""));
        await relay.ReadResponseAsync("1");

        await relay.SendAsync(
            $$$"""{"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{"taskId":"{{{taskId}}}"}}""");
        var task = (await relay.ReadResponseAsync("2")).GetProperty("result");

        Assert.Equal("completed", task.GetProperty("status").GetString());
        Assert.Equal(taskId, task.GetProperty("taskId").GetString());
        Assert.Equal(
            "task done: completed-[redacted: secrets]",
            task.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        var outcome = Assert.Single(audit.Outcomes);
        Assert.Equal("redacted", outcome.Results!.Outcome);
        Assert.Equal(1, outcome.Results.Matches["secrets"]);
    }

    [Fact]
    public async Task TaskGetWithABlockedResultInline_IsWithheldWithAnError()
    {
        using var server = FakeServer.Create([["as_modern_task"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(
            server, audit, policy: "version: 1\ndefault: allow\nresults: { block: [secrets] }\n");
        var taskId = "completed-" + Secret;
        await relay.SendAsync(Call(1, "as_modern_task", "x").Replace("\"text\":\"x\"", $"\"task\":\"{taskId}\""));
        await relay.ReadResponseAsync("1");

        await relay.SendAsync(
            $$$"""{"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{"taskId":"{{{taskId}}}"}}""");
        var error = (await relay.ReadResponseAsync("2")).GetProperty("error");

        Assert.Equal(ResultStage.WithheldCode, error.GetProperty("code").GetInt32());
        Assert.Equal(
            "McpGuard withheld the task's result: the tool ran, but the result contains secrets (results.block).",
            error.GetProperty("message").GetString());
        Assert.Equal("blocked", Assert.Single(audit.Outcomes).Results!.Outcome);
    }

    /// <summary>
    /// The 2026 tasks extension's status notification carries a completed task's result too: redacted with the
    /// call's rules, and one the rules block is not passed on (the client's tasks/get then gets the guard's error).
    /// </summary>
    [Fact]
    public async Task TaskNotificationWithTheResultInline_RedactedOrDropped()
    {
        using var server = FakeServer.Create([["as_modern_task"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(
            server, audit, policy: "version: 1\ndefault: allow\nresults: { redact: [secrets], block: [emails] }\n");
        await relay.SendAsync(Call(1, "as_modern_task", "x").Replace("\"text\":\"x\"", "\"task\":\"t-n1\""));
        await relay.ReadResponseAsync("1");

        await relay.SendAsync(SayTaskCompleted("t-n1", "key " + Secret));
        await relay.SendAsync(SayTaskCompleted("t-n1", "mail alice@example.com"));
        var lines = await relay.SyncAsync();

        var notification = Assert.Single(lines, l => l.Contains("notifications/tasks", StringComparison.Ordinal));
        Assert.Contains("key [redacted: secrets]", notification, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, notification, StringComparison.Ordinal);
    }

    private static string SayTaskCompleted(string taskId, string text)
    {
        var content = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text });
        var notification = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "notifications/tasks",
            ["params"] = new JsonObject
            {
                ["taskId"] = taskId, ["status"] = "completed", ["result"] = new JsonObject { ["content"] = content },
            },
        };
        return new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "test/say",
            ["params"] = new JsonObject { ["line"] = notification.ToJsonString() },
        }.ToJsonString();
    }

    [Fact]
    public async Task NoResultRules_AnswerForwardedAsItsOriginalBytes()
    {
        using var server = FakeServer.Create();
        var audit = new RecordingAuditLog();
        await using var relay = await StartAsync(server, audit, policy: "version: 1\ndefault: allow\n");

        await relay.SendAsync(Call(1, "echo", Secret));

        Assert.Contains(Secret, ResultText(await relay.ReadResponseAsync("1")), StringComparison.Ordinal);
        Assert.Null(Assert.Single(audit.Outcomes).Results);
    }

    /// <summary>
    /// (a+)+$ against 100,000 a's and no end: catastrophic for a backtracking engine. The answer comes back (this test
    /// completing is the bound; no timing is asserted) because the pattern runs NonBacktracking.
    /// </summary>
    [Fact]
    public async Task PathologicalUserRegex_LongAnswer_Completes()
    {
        const string policy = "version: 1\ndefault: allow\nresults: { redact: [{ name: runaway, regex: '(a+)+$' }] }\n";
        var detector = Assert.IsType<McpGuard.Policy.Results.RegexDetector>(
            Assert.Single(PolicyTestData.Load(policy).Results.Redact));
        Assert.True(detector.Regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        using var server = FakeServer.Create();
        await using var relay = await StartAsync(server, new RecordingAuditLog(), policy: policy);

        await relay.SendAsync(Call(1, "echo", new string('a', 100_000) + "!"));

        Assert.EndsWith(
            "!", ResultText(await relay.ReadResponseAsync("1")).TrimEnd('"', '}', ']'), StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceWithheldCode_IsTheGuardsOwn() => Assert.InRange(ResultStage.WithheldCode, -32019, -32000);

    private static string ResultText(System.Text.Json.JsonElement response) =>
        response.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
}
