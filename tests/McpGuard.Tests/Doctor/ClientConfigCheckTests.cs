using McpGuard.ClientConfig;
using McpGuard.Doctor;
using McpGuard.Policy.Compile;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Doctor;

/// <summary>The doctor's reading of client configs (docs/doctor.md).</summary>
public sealed class ClientConfigCheckTests
{
    /// <summary>
    /// Claude Code's ~/.claude.json keeps the servers `claude mcp add` adds under projects.DIR.mcpServers and often
    /// has no top-level mcpServers: a file Claude Code reads every day, not a problem, and its servers are listed.
    /// </summary>
    [Fact]
    public void Check_ClaudeCodeUserFileWithProjectServersOnly_OkAndListsThem()
    {
        using var temp = new TempDirectory();
        var config = temp.File(".claude.json");
        File.WriteAllText(config, """
            {"numStartups": 5, "projects": {"/home/me/trading": {"allowedTools": [],
              "mcpServers": {"bybit": {"type": "stdio", "command": "sh", "args": ["-c", "true"]}}}}}
            """);
        var check = new ClientConfigCheck(
            new GuardInvocation("/opt/mcpguard/bin/mcpguard", []), PolicyLoader.LoadFile, "/usr/bin:/bin");

        var findings = check.Check("Claude Code", config).ToList();

        Assert.DoesNotContain(findings, f => f.Level == DoctorLevel.Problem);
        Assert.Equal($"{config} (1 server)", findings[0].Text);
        var entry = Assert.Single(findings.Skip(1));
        Assert.Equal("bybit (project /home/me/trading)", entry.Subject);
        Assert.StartsWith($"not behind mcpguard (mcpguard wrap --config {config} --server bybit ", entry.Text);
    }

    /// <summary>
    /// An HTTP entry that dials a running serve on this machine, as docs/serve.md has Claude Code add it, is guarded
    /// there: not "not behind mcpguard" with a wrap hint, which would put a second guard in front of the first. An
    /// HTTP entry on another port keeps the hint.
    /// </summary>
    [Fact]
    public void Check_HttpEntryOnARunningServesPort_OkGuardedThere()
    {
        using var temp = new TempDirectory();
        var config = temp.File(".mcp.json");
        File.WriteAllText(config, """
            {"mcpServers": {"bybit": {"type": "http", "url": "http://127.0.0.1:18750/mcp"},
              "other": {"type": "http", "url": "http://localhost:18999/mcp"}}}
            """);
        var serve = new RunningGuard(4310, "serve", null, "team.yaml") { Ports = new HashSet<int> { 18750 } };
        var check = new ClientConfigCheck(
            new GuardInvocation("/opt/mcpguard/bin/mcpguard", []), PolicyLoader.LoadFile, "/usr/bin:/bin", [serve]);

        var findings = check.Check("Claude Code (project)", config).Skip(1).ToList();

        Assert.Equal(DoctorLevel.Ok, findings[0].Level);
        Assert.Equal("the endpoint of mcpguard serve (pid 4310, policy team.yaml), guarded there", findings[0].Text);
        Assert.Equal(DoctorLevel.Note, findings[1].Level);
        Assert.StartsWith("not behind mcpguard (mcpguard wrap ", findings[1].Text);
    }
}
