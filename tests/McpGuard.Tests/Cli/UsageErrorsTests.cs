using System.CommandLine;
using McpGuard.Cli;

namespace McpGuard.Tests.Cli;

public sealed class UsageErrorsTests
{
    [Theory]
    [InlineData("bogus", "mcpguard: unknown command 'bogus'; see 'mcpguard --help'.")]
    [InlineData("tool", "mcpguard: unknown command 'tool'; did you mean 'tools'? See 'mcpguard --help'.")]
    [InlineData("explian", "mcpguard: unknown command 'explian'; did you mean 'explain'? See 'mcpguard --help'.")]
    [InlineData("RUN", "mcpguard: unknown command 'RUN'; did you mean 'run'? See 'mcpguard --help'.")]
    [InlineData("--bogus", "mcpguard: unknown option '--bogus'; see 'mcpguard --help'.")]
    public async Task Report_UnknownCommand_OneLineNamingItAndTheClosestCommand(string token, string expected)
    {
        var error = new StringWriter();

        var code = await UsageErrors.ReportAsync(Parse(token), error);

        Assert.Equal(ExitCodes.UsageOrPolicyError, code);
        Assert.Equal(expected + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task Report_KnownCommandWithAMissingOption_KeepsTheParsersLines()
    {
        var error = new StringWriter();

        var code = await UsageErrors.ReportAsync(Parse("explain", "--policy", "p.yaml"), error);

        Assert.Equal(ExitCodes.UsageOrPolicyError, code);
        Assert.Contains("Option '--tool' is required", error.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("mcpguard: see 'mcpguard explain --help'." + Environment.NewLine, error.ToString(),
            StringComparison.Ordinal);
    }

    private static ParseResult Parse(params string[] args) =>
        RootCommandFactory.Create().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
}
