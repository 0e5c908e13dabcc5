using System.CommandLine;
using McpGuard.Cli;

if (VersionAnswer.TryAnswer(args))
{
    return ExitCodes.Success;
}

var root = RootCommandFactory.Create();

// npm arguments such as @scope/pkg must reach the child verbatim, so response files are off.
var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

// `run` handles SIGINT/SIGTERM itself (the child must be stopped first), so the parser's handler is off.
var exitCode = await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

// The parser reports its errors and exits 1; a usage error is 2 (README.md#cli) (the child is never started).
return parseResult.Errors.Count > 0 ? ExitCodes.UsageOrPolicyError : exitCode;
