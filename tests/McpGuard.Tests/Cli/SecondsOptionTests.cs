using McpGuard.Cli;

namespace McpGuard.Tests.Cli;

/// <summary>
/// <c>run --shutdown-timeout</c> and <c>serve --drain</c>: a value TimeSpan cannot hold is a usage error when the
/// command line is parsed (exit 2, one line), never an exception when the guard starts; nor is a value that is no
/// number at all (`--drain abc` was an unhandled exception with its stack trace).
/// </summary>
public sealed class SecondsOptionTests
{
    [Theory]
    [InlineData("run", "--shutdown-timeout", "NaN")]
    [InlineData("run", "--shutdown-timeout", "1e300")]
    [InlineData("run", "--shutdown-timeout", "-5")]
    [InlineData("serve", "--drain", "NaN")]
    [InlineData("serve", "--drain", "Infinity")]
    [InlineData("serve", "--drain", "abc")]
    [InlineData("serve", "--drain", "")]
    [InlineData("run", "--shutdown-timeout", "10s")]
    public void Parse_SecondsTimeSpanCannotHold_IsAUsageError(string command, string option, string value)
    {
        var result = RootCommandFactory.Create().Parse([command, "--policy", "p.yaml", option, value, "--", "true"]);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith($"{option} must be a number of seconds from 0 to 86400, not ", error.Message);
    }

    [Theory]
    [InlineData("run", "--shutdown-timeout", "0")]
    [InlineData("run", "--shutdown-timeout", "2.5")]
    [InlineData("serve", "--drain", "86400")]
    public void Parse_SecondsInRange_IsAccepted(string command, string option, string value)
    {
        var result = RootCommandFactory.Create().Parse([command, "--policy", "p.yaml", option, value, "--", "true"]);

        Assert.Empty(result.Errors);
    }
}
