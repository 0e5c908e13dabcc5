using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class ReplayCommandTests
{
    private const string Policy = """
        version: 1
        default: deny
        tools:
          place_order:
            rules:
              - when: { qty: { lte: 0.01 } }
                action: allow
              - action: deny
                reason: Too big.
          withdraw:
            rules:
              - when: { api_key: { exists: true } }
                action: deny
              - action: allow
        """;

    // Version 2 records as the guard writes them: one redacted, one hashed, one full, one never judged.
    private const string Log = """
        {"type":"decision","version":2,"time":"2026-03-14T15:00:00.000Z","session":"s","server":"x","call_id":"s-1","request_id":1,"tool":"place_order","decision":"allow","rule":"default","arguments":{"qty":"0.5","api_key":"[redacted]"},"arguments_recorded":"redacted"}
        {"type":"decision","version":2,"time":"2026-03-14T15:00:01.000Z","session":"s","server":"x","call_id":"s-2","request_id":2,"tool":"withdraw","decision":"allow","rule":"default","arguments":{"amount":"1","api_key":"[redacted]"},"arguments_recorded":"redacted"}
        {"type":"decision","version":2,"time":"2026-03-14T15:00:02.000Z","session":"s","server":"x","call_id":"s-3","request_id":3,"tool":"place_order","decision":"allow","rule":"default","arguments":"sha256:00","arguments_recorded":"hash"}
        {"type":"decision","version":2,"time":"2026-03-14T15:00:03.000Z","session":"s","server":"x","call_id":"s-4","request_id":4,"tool":"place_order","decision":"allow","rule":"default","arguments":{"qty":"0.001"},"arguments_recorded":"full"}
        {"type":"decision","version":2,"time":"2026-03-14T15:00:04.000Z","session":"s","server":"x","call_id":"s-5","request_id":5,"tool":"nope","decision":"unknown_tool","arguments_recorded":"full"}
        """;

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public async Task Replay_Changes_ExitOneOnlyWithFailOnChange(bool failOnChange, int expected)
    {
        using var temp = new TempDirectory();
        var (policy, log) = await WriteAsync(temp);

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ReplayCommand.Create(),
            ["--policy", policy, log, .. failOnChange ? ["--fail-on-change"] : Array.Empty<string>()]);

        Assert.True(expected == exitCode, error);
        Assert.Contains("Replayed 2 of 4 recorded calls", output);
        Assert.Contains("(2 not replayable, 1 never judged by a policy, 0 malformed lines)", output);
        Assert.Contains(
            "2026-03-14 15:00:00.000Z  place_order  allow by default → deny by tools.place_order.rules[1]: Too big.",
            output);
        Assert.Contains("2026-03-14 15:00:01.000Z  withdraw  (line 2; needs api_key)", output);
        Assert.Contains("2026-03-14 15:00:02.000Z  place_order  (line 3; needs qty)", output);
        Assert.Contains("1 changed, 1 unchanged, 2 not replayable", output);
        Assert.False(
            output.Contains('\u001b', StringComparison.Ordinal), "colour codes in output that is not a terminal");
    }

    [Fact]
    public async Task Replay_Json_GivesTransitionsChangesAndWhatIsMissing()
    {
        using var temp = new TempDirectory();
        var (policy, log) = await WriteAsync(temp);

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            ReplayCommand.Create(), "--policy", policy, log, "--json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("changed").GetInt32());
        Assert.Equal(1, root.GetProperty("not_judged").GetInt32());
        Assert.Equal(["allow->allow:1", "allow->deny:1"], root.GetProperty("transitions").EnumerateArray()
            .Select(
                t => $"{t.GetProperty("from").GetString()}->{t.GetProperty("to").GetString()}:"
                    + $"{t.GetProperty("count").GetInt32()}"));
        Assert.Equal("s-1", root.GetProperty("changes")[0].GetProperty("call_id").GetString());
        Assert.Equal(["s-2:api_key", "s-3:qty"], root.GetProperty("not_replayable_calls").EnumerateArray()
            .Select(
                c => $"{c.GetProperty("call_id").GetString()}:"
                    + $"{string.Join(",", c.GetProperty("needs").EnumerateArray().Select(n => n.GetString()))}"));
    }

    [Fact]
    public async Task Replay_InvalidPolicy_ExitsTwo()
    {
        using var temp = new TempDirectory();
        var (_, log) = await WriteAsync(temp);
        var policy = temp.File("bad.yaml");
        await File.WriteAllTextAsync(policy, "version: 1\n", TestContext.Current.CancellationToken);

        var (exitCode, _, error) = await CommandRunner.RunAsync(ReplayCommand.Create(), "--policy", policy, log);

        Assert.Equal(2, exitCode);
        Assert.Contains("default: is required", error);
    }

    [Fact]
    public async Task Replay_LogIsAFolder_SaysSoInsteadOfAccessDenied()
    {
        using var temp = new TempDirectory();
        var (policy, _) = await WriteAsync(temp);

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ReplayCommand.Create(), "--policy", policy, temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Equal($"mcpguard: cannot read {temp.Path}: it is a folder, not a file", error.TrimEnd('\n'));
    }

    [Fact]
    public async Task Replay_MissingLog_SaysItDoesNotExist()
    {
        using var temp = new TempDirectory();
        var (policy, _) = await WriteAsync(temp);
        var missing = temp.File("none.jsonl");

        var (exitCode, _, error) = await CommandRunner.RunAsync(ReplayCommand.Create(), "--policy", policy, missing);

        Assert.Equal(2, exitCode);
        Assert.Equal($"mcpguard: cannot read {missing}: it does not exist", error.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("\n  \n", "is empty")]
    [InlineData(
        "version: 1\ndefault: deny\n", "is not an audit log: none of its 2 lines is an audit record (docs/audit.md)")]
    [InlineData(
        "{\"type\":\"outcome\",\"call_id\":\"s-1\"}\n",
        "holds no recorded tool call (1 record(s), none a decision on a tools/call)")]
    [InlineData("""{"type":"decision","version":2,"time":"2026-03-14T15:00:04.000Z","call_id":"s-5","tool":"nope","decision":"unknown_tool"}""",
        "holds no call a policy judged (1 unknown-tool, invalid, sampled or listing record(s) only)")]
    [InlineData("""{"type":"decision","version":2,"time":"2026-03-14T15:00:04.000Z","call_id":"s-6","tool":"echo","""
        + """ "decision":"deny","rule":"listing","reason":"McpGuard could not decide this call: gone"}""",
        "holds no call a policy judged (1 unknown-tool, invalid, sampled or listing record(s) only)")]
    public async Task Replay_LogWithNothingToReplay_FailsWithOneLine(string content, string expected)
    {
        using var temp = new TempDirectory();
        var (policy, log) = await WriteAsync(temp);
        await File.WriteAllTextAsync(log, content, TestContext.Current.CancellationToken);

        foreach (var flags in new[] { Array.Empty<string>(), ["--fail-on-change"], ["--json"] })
        {
            var (exitCode, output, error) = await CommandRunner.RunAsync(
                ReplayCommand.Create(), ["--policy", policy, log, .. flags]);

            Assert.Equal(1, exitCode);
            Assert.Equal("", output);
            Assert.Equal($"mcpguard: {log} {expected}; nothing was replayed.", error.TrimEnd());
        }
    }

    private static async Task<(string Policy, string Log)> WriteAsync(TempDirectory temp)
    {
        var policy = temp.File("policy.yaml");
        var log = temp.File("audit.jsonl");
        await File.WriteAllTextAsync(policy, Policy, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(log, Log, TestContext.Current.CancellationToken);
        return (policy, log);
    }
}
