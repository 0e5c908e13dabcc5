using System.CommandLine;
using McpGuard.Cli;

if (VersionAnswer.TryAnswer(args))
{
    return ExitCodes.Success;
}

var root = RootCommandFactory.Create();

// npm arguments such as @scope/pkg must reach the child verbatim, so response files are off.
var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

// A usage error is 2 (README.md#cli), said on stderr only; the child is never started. Bare `mcpguard` is a person
// looking around: it gets the overview (still exit 2).
if (args.Length == 0)
{
    await root.Parse(["--help"]).InvokeAsync();
    return ExitCodes.UsageOrPolicyError;
}

if (parseResult.Errors.Count > 0)
{
    return await UsageErrors.ReportAsync(parseResult);
}

// `run` handles SIGINT/SIGTERM itself (the child must be stopped first), so the parser's handler is off.
return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
