using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// <c>limits --reset</c> with a policy that names no audit log: the record goes where McpGuard keeps its files,
/// <c>$MCPGUARD_HOME</c>, and <c>mcpguard audit</c> finds it there (docs/limits.md, docs/audit.md).
/// </summary>
public sealed class LimitsResetHomeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcpguard-reset-home-").FullName;

    [Fact]
    public async Task Reset_PolicyWithoutAuditPath_RecordsInMcpguardHomeNotInTheUsersHome()
    {
        var home = Directory.CreateDirectory(Path.Combine(_folder, "home")).FullName;
        var guardHome = Path.Combine(_folder, "elsewhere");
        var policy = Path.Combine(_folder, "policy.yaml");
        File.WriteAllText(policy, "version: 1\ndefault: deny\ntools:\n  order:\n"
            + "    rate_limit: { max: 1, window: 1h }\n    action: allow\n");
        var environment = new Dictionary<string, string?> { ["MCPGUARD_HOME"] = guardHome };

        var reset = await GuardCommand.RunInHomeAsync(
            home, _folder, environment, "limits", "--policy", policy, "--reset", "order");
        var summary = await GuardCommand.RunInHomeAsync(home, _folder, environment, "audit", "--json");

        Assert.True(reset.Code == 0, reset.Error);
        var log = Path.Combine(guardHome, "audit.jsonl");
        Assert.Contains($"(recorded in {log})", reset.Output, StringComparison.Ordinal);
        var record = JsonDocument.Parse(Assert.Single(File.ReadAllLines(log))).RootElement;
        Assert.Equal("limits_reset", record.GetProperty("type").GetString());
        Assert.False(Directory.Exists(Path.Combine(home, ".mcpguard")));
        Assert.True(summary.Code == 0, summary.Error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
