using System.CommandLine;
using McpGuard.Inventory;
using McpGuard.Policy;
using McpGuard.Policy.Proving;
using McpGuard.Policy.Yaml;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard test --policy FILE CASES.yaml...</c>: run declarative cases against a policy (docs/testing.md).
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var policyOption = CommonOptions.Policy();
        var files = new Argument<FileInfo[]>("cases")
        {
            Description = "One or more cases files (YAML).",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var coverage = new Option<bool>("--coverage")
        {
            Description = "Also list the tools entries, rules and risk classes that no case reaches.",
        };
        var filter = new Option<string[]>("--filter")
        {
            Description = "Run only the cases whose name contains this text (case-insensitive; repeat for more).",
            AllowMultipleArgumentsPerToken = false,
        };
        var junit = new Option<FileInfo>("--junit")
        {
            Description = "Also write the results as JUnit XML to this file (for CI).",
        };
        var serverName = CommonOptions.ServerName();
        var command = new Command(
            "test",
            "Run a policy against declarative cases (expected allow, deny, require_approval or unknown); exit 1 if "
                + "one fails.")
        {
            policyOption, files, json, coverage, filter, junit, serverName,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await ServerInspection.LoadPolicyAsync(
                    parseResult.GetValue(policyOption)!, error, "no case was run") is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            if (await LoadCasesAsync(parseResult.GetValue(files)!, error) is not { } cases)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            var filters = parseResult.GetValue(filter) ?? [];
            var selected = cases.Where(c => filters.Length == 0 || filters.Any(f => Matches(c, f))).ToList();
            if (selected.Count == 0)
            {
                var wanted = string.Join(" or ", filters.Select(f => $"\"{TerminalText.Printable(f)}\""));
                await error.WriteLineAsync(
                    $"mcpguard: no case name contains {wanted} ({cases.Count} cases read); nothing was run.");
                return ExitCodes.UsageOrPolicyError;
            }

            var results = CaseRunner.Run(policy, selected, parseResult.GetValue(serverName));
            var unreached = parseResult.GetValue(coverage) ? PolicyCoverage.Unreached(policy, results) : null;
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(TestReportJson.Format(policy.Source, results, unreached));
            }
            else
            {
                TestReportText.Write(output, results, unreached);
            }

            if (parseResult.GetValue(junit) is { } junitFile
                && !await TestReportJunit.TryWriteAsync(junitFile.FullName, results, error, cancellationToken))
            {
                return ExitCodes.Failure;
            }

            return results.All(r => r.Passed) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static bool Matches(PolicyCase policyCase, string filter) =>
        policyCase.Name.Contains(filter, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every case of every file, or null (after printing every problem) when one file is invalid.</summary>
    private static async Task<List<PolicyCase>?> LoadCasesAsync(FileInfo[] files, TextWriter error)
    {
        var cases = new List<PolicyCase>();
        var problems = new List<PolicyError>();
        foreach (var file in files)
        {
            var loaded = CasesLoader.LoadFile(file.FullName);
            cases.AddRange(loaded.Cases);
            problems.AddRange(loaded.Errors);
        }

        foreach (var problem in problems)
        {
            await error.WriteLineAsync($"mcpguard: {TerminalText.Printable(problem.ToString())}");
        }

        if (problems.Count == 0)
        {
            return cases;
        }

        var count = $"{problems.Count} error{(problems.Count == 1 ? "" : "s")}";
        await error.WriteLineAsync($"mcpguard: the cases are invalid ({count}); no case was run.");
        return null;
    }
}
