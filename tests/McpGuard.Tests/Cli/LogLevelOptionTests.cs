using McpGuard.Cli;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Cli;

/// <summary>
/// <c>--log-level</c> takes a level's name in any case; anything else is one usage error listing them.
/// </summary>
public sealed class LogLevelOptionTests
{
    [Theory]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("Warning", LogLevel.Warning)]
    [InlineData("NONE", LogLevel.None)]
    public void Parse_ALevelsName_InAnyCase(string value, LogLevel expected)
    {
        var command = RootCommandFactory.Create();
        var result = command.Parse(["run", "--policy", "p.yaml", "--log-level", value, "--", "true"]);

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.GetValue<LogLevel>("--log-level"));
    }

    [Theory]
    [InlineData("loud")]
    [InlineData("3")]
    [InlineData("99")]
    public void Parse_AnythingElse_IsOneUsageErrorListingTheLevels(string value)
    {
        var command = RootCommandFactory.Create();
        var result = command.Parse(["run", "--policy", "p.yaml", "--log-level", value, "--", "true"]);

        var error = Assert.Single(result.Errors);
        Assert.Equal("--log-level must be one of Trace, Debug, Information, Warning, Error, Critical, None, "
            + $"not '{value}'", error.Message);
    }
}
