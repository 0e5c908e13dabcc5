using McpGuard.Cli;

namespace McpGuard.Tests.Cli;

/// <summary>
/// A mistyped option before <c>--</c> is a usage error (exit 2, one line naming it), not a server command the guard
/// tries to start and reports as "not found on PATH".
/// </summary>
public sealed class ServerCommandArgumentTests
{
    [Theory]
    [InlineData("run", "--bogus")]
    [InlineData("run", "-x")]
    [InlineData("check", "--bogus")]
    [InlineData("tools", "--bogus")]
    [InlineData("pin", "--bogus")]
    public void Parse_AnUnknownOptionBeforeTheSeparator_IsAUsageError(string command, string option)
    {
        var result = RootCommandFactory.Create().Parse([command, "--policy", "p.yaml", option, "--", "python", "s.py"]);

        var error = Assert.Single(result.Errors);
        Assert.Equal($"unrecognised option '{option}' (the server's command line goes after --)", error.Message);
    }

    /// <summary>
    /// Both commands that start a guard take <c>--name</c>, the server's name on the desk, in approvals and in the
    /// audit log (docs/serve.md); serve refused it as an unknown option.
    /// </summary>
    [Theory]
    [InlineData("run")]
    [InlineData("serve")]
    public void Parse_NameBeforeTheSeparator_Accepted(string command)
    {
        var result = RootCommandFactory.Create().Parse(
            [command, "--policy", "p.yaml", "--name", "team-bybit", "--", "python", "s.py"]);

        Assert.Empty(result.Errors);
        Assert.Equal("team-bybit", result.GetValue<string>("--name"));
    }

    /// <summary>
    /// <c>run --polcy p.yaml -- server</c>: the mistyped option is said first, then the required option it left
    /// missing. Before, "Option '--policy' is required." came first and the typo second.
    /// </summary>
    [Fact]
    public async Task Report_AMistypedRequiredOption_TheTypoFirst()
    {
        var result = RootCommandFactory.Create().Parse(["run", "--polcy", "p.yaml", "--", "python", "s.py"]);
        using var error = new StringWriter();

        Assert.Equal(2, await UsageErrors.ReportAsync(result, error));

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("mcpguard: unrecognised option '--polcy'", lines[0], StringComparison.Ordinal);
        Assert.Contains("--policy", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("mcpguard: see 'mcpguard run --help'", lines[^1], StringComparison.Ordinal);
    }

    /// <summary>
    /// An empty program (a config entry with <c>"command": ""</c>, wrapped) is a usage error, not a stack trace
    /// from the process API.
    /// </summary>
    [Theory]
    [InlineData("run", "")]
    [InlineData("run", "  ")]
    [InlineData("tools", "")]
    [InlineData("serve", "")]
    public void Parse_AnEmptyServerProgram_IsAUsageError(string command, string program)
    {
        var result = RootCommandFactory.Create().Parse([command, "--policy", "p.yaml", "--", program, "arg"]);

        var error = Assert.Single(result.Errors);
        Assert.Equal("the server's command is empty (the server's command line goes after --)", error.Message);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    public void Parse_OptionsAfterTheServersProgram_AreTheServers(string command)
    {
        var result = RootCommandFactory.Create().Parse(
            [command, "--policy", "p.yaml", "--", "python", "s.py", "--bogus", "-x"]);

        Assert.Empty(result.Errors);
    }
}
