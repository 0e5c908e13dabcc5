using System.CommandLine;
using McpGuard.Inventory;
using McpGuard.Policy;
using McpGuard.Policy.Proving;

namespace McpGuard.Cli;

/// <summary><c>mcpguard test --policy FILE CASES.yaml...</c>: run declarative cases against a policy (docs/testing.md).</summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var policyOption = CommonOptions.Policy();
        var files = new Argument<FileInfo[]>("cases") { Description = "One or more cases files (YAML).", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var command = new Command("test", "Run a policy against declarative cases (expected allow, deny, require_approval or unknown); exit 1 if one fails.")
        {
            policyOption, files, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await ServerInspection.LoadPolicyAsync(parseResult.GetValue(policyOption)!, error) is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            var cases = new List<PolicyCase>();
            var problems = new List<PolicyError>();
            foreach (var file in parseResult.GetValue(files)!)
            {
                var loaded = CasesLoader.LoadFile(file.FullName);
                cases.AddRange(loaded.Cases);
                problems.AddRange(loaded.Errors);
            }

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync($"mcpguard: {TerminalText.Printable(problem.ToString())}");
                }

                await error.WriteLineAsync($"mcpguard test: the cases are invalid ({problems.Count} error{(problems.Count == 1 ? "" : "s")}); no case was run.");
                return ExitCodes.UsageOrPolicyError;
            }

            var results = CaseRunner.Run(policy, cases);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(TestReportJson.Format(policy.Source, results));
            }
            else
            {
                TestReportText.Write(output, results);
            }

            return results.All(r => r.Passed) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
