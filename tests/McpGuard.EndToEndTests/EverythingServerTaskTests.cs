using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// A task-augmented call (the 2025-11-25 <c>task</c> parameter) through the real guard to server-everything's
/// <c>simulate-research-query</c>, a real task server from npm: judged at its tools/call, tasks/* only for its task,
/// the outcome recorded at the task's end, and its count kept (docs/relay.md#tasks-and-sampling-with-tools).
/// </summary>
public sealed class EverythingServerTaskTests
{
    [Fact]
    public async Task TaskAugmentedCall_JudgedTrackedAndCountedOnce()
    {
        var auditPath = TempFiles.NewPath("audit.jsonl");
        var policy = $$"""
            version: 1
            default: allow
            tools:
              simulate-research-query:
                rate_limit: { max: 1, window: 1h }
                action: allow
            state: { store: memory }
            audit: { path: "{{auditPath}}" }
            """;
        await using var guard = RawGuard.Start(policy, GuardedServer.Everything());
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{"tasks":{}}"""
                + ""","clientInfo":{"name":"task-test","version":"1"}}}""");
        await guard.ResponseAsync("1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"""
                + """{"name":"simulate-research-query","arguments":{"topic":"guards"},"task":{"ttl":60000}}}""");
        var created = await guard.ResponseAsync("2");
        var taskId = created.GetProperty("result").GetProperty("task").GetProperty("taskId").GetString()!;
        await guard.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"tasks/get","params":{"taskId":"not-ours"}}""");
        var refused = await guard.ResponseAsync("3");
        // tasks/result waits until the task is done (about four seconds of simulated research).
        await guard.SendAsync(
            $$$"""{"jsonrpc":"2.0","id":4,"method":"tasks/result","params":"""
                + $$$"""{"taskId":{{{JsonSerializer.Serialize(taskId)}}}}}""");
        var result = await guard.ResponseAsync("4");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":"""
                + """{"name":"simulate-research-query","arguments":{"topic":"again"},"task":{"ttl":60000}}}""");
        var second = await guard.ResponseAsync("5");

        Assert.Equal("Unknown task: not-ours", refused.GetProperty("error").GetProperty("message").GetString());
        Assert.Contains("guards", result.GetProperty("result").GetRawText(), StringComparison.Ordinal);
        Assert.StartsWith(
            "Denied by policy:", second.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(),
            StringComparison.Ordinal);
        var outcome = File.ReadLines(auditPath).Select(line => JsonDocument.Parse(line).RootElement)
            .Single(r => r.GetProperty("type").GetString() == "outcome");
        Assert.Equal("completed", outcome.GetProperty("task_status").GetString());
        Assert.Equal("simulate-research-query", outcome.GetProperty("tool").GetString());
    }
}
