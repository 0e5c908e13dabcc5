using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Cli;

public sealed class AuditCommandTests
{
    private static readonly string s_sample = Path.Combine(AppContext.BaseDirectory, "Audit", "Samples", "audit-sample.jsonl");

    [Fact]
    public async Task Audit_Text_ShowsTablesWithoutAnsiAndEscapesHostileNames()
    {
        var (exitCode, output, _) = await CommandRunner.RunAsync(AuditCommand.Create(), s_sample);

        Assert.Equal(0, exitCode);
        Assert.Contains("11 decisions, 3 outcomes, 2 sessions", output);
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

        var (exitCode, output, _) = await CommandRunner.RunAsync(AuditCommand.Create(clock), s_sample, "--json", "--since", "1h");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("2026-03-14T11:00:00.000Z", json.RootElement.GetProperty("since").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("decisions").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("tools")[0].GetProperty("decisions").GetProperty("monitor:deny").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("malformed").GetInt32());
    }

    [Fact]
    public async Task Audit_MissingFile_ExitCode2()
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(AuditCommand.Create(), "/nonexistent/audit.jsonl");

        Assert.Equal(2, exitCode);
        Assert.Contains("cannot read", error);
    }

    [Fact]
    public async Task Audit_BadSince_ExitCode2()
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(AuditCommand.Create(), s_sample, "--since", "soon");

        Assert.Equal(2, exitCode);
        Assert.Contains("--since", error);
    }
}
