using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Cli;

public sealed class AuditCommandTests
{
    private static readonly string s_sample = Path.Combine(
        AppContext.BaseDirectory, "Audit", "Samples", "audit-sample.jsonl");

    [Fact]
    public async Task Audit_Text_ShowsTablesWithoutAnsiAndEscapesHostileNames()
    {
        var (exitCode, output, _) = await CommandRunner.RunAsync(AuditCommand.Create(), s_sample);

        Assert.Equal(0, exitCode);
        Assert.Contains("9 calls in 2 sessions.", output);
        Assert.Contains("4 malformed lines (first: 8, 16, 17, 19)", output);
        Assert.Contains("Approvals: 3 requested, 1 approved, 1 refused, 0 cancelled, 1 unresolved.", output);
        Assert.Contains("No rule allows cancel_order.", output);
        Assert.Contains("deny (monitor)", output);
        Assert.Contains("evil\\u001B[2J[red]x[/]", output);
        Assert.False(output.Contains('\u001b', StringComparison.Ordinal), "raw ESC in output");
    }

    [Fact]
    public async Task Audit_JsonWithRelativeSince_UsesTheClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-14T12:00:00Z"));

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            AuditCommand.Create(clock), s_sample, "--json", "--since", "1h");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("2026-03-14T11:00:00.000Z", json.RootElement.GetProperty("since").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("decisions").GetInt32());
        Assert.Equal(
            1,
            json.RootElement.GetProperty("tools")[0].GetProperty("decisions").GetProperty("monitor:deny").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("malformed").GetInt32());
    }

    [Fact]
    public async Task Audit_HeaderCount_IsTheSumOfTheTablesTotals()
    {
        // 11 decision records, two of them the answers to approvals asked earlier: 9 calls, as the table counts them.
        var (_, text, _) = await CommandRunner.RunAsync(AuditCommand.Create(), s_sample);
        var (_, json, _) = await CommandRunner.RunAsync(AuditCommand.Create(), s_sample, "--json");

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var tableTotal = root.GetProperty("tools").EnumerateArray().Sum(t => t.GetProperty("total").GetInt64());
        Assert.Equal(11, root.GetProperty("decisions").GetInt64());
        Assert.Equal(tableTotal, root.GetProperty("calls").GetInt64());
        Assert.Contains($"{tableTotal} calls in 2 sessions.", text);
        var rows = text.Split('\n').SkipWhile(l => !l.StartsWith("tool ", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("Approvals:", StringComparison.Ordinal));
        Assert.Equal(tableTotal, rows.Sum(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])));
    }

    [Fact]
    public async Task Audit_LateAnswer_ShownWithTheCancelledCalls()
    {
        // docs/audit.md#late_answer: the reader of the summary sees that the server acted on a withdrawn call.
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "audit.jsonl");
        await File.WriteAllTextAsync(path, """
            {"type":"decision","time":"2026-01-01T00:00:00Z","call_id":"a","tool":"t","decision":"allow"}
            {"type":"outcome","time":"2026-01-01T00:00:01Z","call_id":"a","duration_ms":5,CANCELLED}
            {"type":"late_answer","time":"2026-01-01T00:00:02Z","call_id":"a","duration_ms":9,"is_error":true}
            {"type":"decision","time":"2026-01-01T00:00:03Z","call_id":"b","tool":"t","decision":"allow"}
            {"type":"outcome","time":"2026-01-01T00:00:04Z","call_id":"b","duration_ms":7,"is_error":false}

            """.Replace("CANCELLED", "\"is_error\":false,\"cancelled\":true", StringComparison.Ordinal),
            TestContext.Current.CancellationToken);

        var (_, text, _) = await CommandRunner.RunAsync(AuditCommand.Create(), path);
        var (_, json, _) = await CommandRunner.RunAsync(AuditCommand.Create(), path, "--json");

        Assert.Contains(
            "Forwarded calls: 1 answered, 0 errors, 1 cancelled by the client (the server answered 1 of them later, "
                + "1 error), median 7 ms, max 7 ms.",
            text.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(json);
        Assert.Equal(1, document.RootElement.GetProperty("late_answers").GetInt32());
        Assert.Equal(1, document.RootElement.GetProperty("late_answer_errors").GetInt32());
        Assert.Equal(2, document.RootElement.GetProperty("outcomes").GetInt32());
    }

    [Fact]
    public async Task Audit_MissingFile_ExitCode2()
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(AuditCommand.Create(), "/nonexistent/audit.jsonl");

        Assert.Equal(2, exitCode);
        Assert.Equal("mcpguard: cannot read /nonexistent/audit.jsonl: it does not exist", error.TrimEnd('\n'));
    }

    [Fact]
    public async Task Audit_Folder_SaysSoInsteadOfAccessDenied()
    {
        using var folder = new TempDirectory();

        var (exitCode, output, error) = await CommandRunner.RunAsync(AuditCommand.Create(), folder.Path);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Equal($"mcpguard: cannot read {folder.Path}: it is a folder, not a file", error.TrimEnd('\n'));
    }

    [Fact]
    public async Task Audit_BadSince_ExitCode2()
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(AuditCommand.Create(), s_sample, "--since", "soon");

        Assert.Equal(2, exitCode);
        Assert.Contains("--since", error);
    }

    [Fact]
    public async Task Audit_FileWithNoAuditRecord_ExitCode1LikeReplay()
    {
        // A policy file given by mistake: every line is malformed, so this is not an audit log at all.
        var path = Path.Combine(Path.GetTempPath(), $"mcpguard-audit-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(
            path, "version: 1\ndefault: deny\n\n{\"type\":\"decision\"}\n", TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, error) = await CommandRunner.RunAsync(AuditCommand.Create(), path, "--json");

            Assert.Equal(1, exitCode);
            Assert.Equal("", output);
            Assert.Equal(
                $"mcpguard: {path} is not an audit log: none of its 3 lines is an audit record (docs/audit.md).",
                error.TrimEnd('\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Audit_EmptyFile_SummarisesNoRecordsAndExits0()
    {
        // A log the guard has created but not yet written to is a valid, empty audit log.
        var path = Path.Combine(Path.GetTempPath(), $"mcpguard-audit-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, "", TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, error) = await CommandRunner.RunAsync(AuditCommand.Create(), path);

            Assert.Equal(0, exitCode);
            Assert.Contains("Covers no records; 0 calls in 0 sessions.", output);
            Assert.Equal("", error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
