using McpGuard.Doctor;

namespace McpGuard.Tests.Doctor;

/// <summary>Which command lines doctor counts as guards (docs/doctor.md: the guards line).</summary>
public sealed class GuardProcessesTests
{
    [Fact]
    public void FromCommandLine_Run_IsAGuardWithItsNameAndPolicy()
    {
        var guard = GuardProcesses.FromCommandLine(
            7, ["/home/me/.mcpguard/bin/mcpguard", "run", "--name", "bybit", "--policy", "p.yaml", "--", "uvx", "x"]);

        Assert.Equal(new RunningGuard(7, "run", "bybit", "p.yaml"), guard);
        Assert.Equal("bybit", guard!.Label);
    }

    /// <summary>
    /// serve is a guard of the same home (the same state.db, desk and audit log): doctor listed "0 running" beside a
    /// running serve until it counted serve too.
    /// </summary>
    [Theory]
    [InlineData("/home/me/.mcpguard/bin/mcpguard")]
    [InlineData("/usr/share/dotnet/dotnet", "/home/me/.mcpguard/app/mcpguard.dll")]
    public void FromCommandLine_Serve_IsAGuardNamedByItsCommand(params string[] start)
    {
        var guard = GuardProcesses.FromCommandLine(
            8, [.. start, "serve", "--policy", "team.yaml", "--listen", "127.0.0.1:0", "--", "node", "s.js", "--name"]);

        Assert.Equal(new RunningGuard(8, "serve", null, "team.yaml"), guard);
        Assert.Equal("serve (the HTTP gateway)", guard!.Label);
    }

    [Theory]
    [InlineData("/home/me/.mcpguard/bin/mcpguard", "doctor")]
    [InlineData("/home/me/.mcpguard/bin/mcpguard", "desk")]
    [InlineData("/usr/bin/node", "serve")]
    [InlineData("/home/me/.mcpguard/bin/mcpguard")]
    public void FromCommandLine_OtherCommands_AreNotGuards(params string[] argv) =>
        Assert.Null(GuardProcesses.FromCommandLine(9, [.. argv]));
}
