using McpGuard.Inventory;
using McpGuard.Policy.Compile;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// The starter policy's audit log is <c>audit.jsonl</c> in the McpGuard home (docs/audit.md), where
/// <c>mcpguard audit</c> reads by default. <c>init</c> wrote <c>~/.mcpguard/audit.jsonl</c> even with
/// <c>MCPGUARD_HOME</c> set elsewhere, so the guard and <c>mcpguard audit</c> used two different files.
/// </summary>
public sealed class StarterPolicyAuditPathTests
{
    [Theory]
    [InlineData(null, "~/.mcpguard/audit.jsonl")]
    [InlineData("", "~/.mcpguard/audit.jsonl")]
    [InlineData("/srv/guard", "/srv/guard/audit.jsonl")]
    [InlineData("~/guard", "/home/me/guard/audit.jsonl")]
    public void AuditPath_FollowsMcpGuardHome(string? home, string expected) =>
        Assert.Equal(expected, StarterPolicy.AuditPathYaml(home, "/home/me"));

    // The variable is the user's text: written into YAML, it must read back as the same path and change nothing else.
    [Theory]
    [InlineData("/tmp/a: b #c")]
    [InlineData("/tmp/x\"\n  arguments: full\n  y: \"\u202E")]
    [InlineData("/tmp/caf\u00e9 'q'")]
    public void AuditPath_OfAnyHome_ReadsBackAsThatPath(string home)
    {
        var yaml = StarterPolicy.AuditPathYaml(home, "/home/me");
        var policy = PolicyLoader.LoadText($"version: 1\ndefault: deny\naudit:\n  path: {yaml}\n", "p.yaml");

        Assert.True(policy.Succeeded, string.Join("\n", policy.Errors));
        Assert.Equal(Path.Combine(home, "audit.jsonl"), policy.Policy.Audit.Path);
        Assert.DoesNotContain(yaml, c => char.IsControl(c) || c == '\u202E');
    }
}
