using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;
using McpGuard.Policy.Risk;

namespace McpGuard.Inventory;

/// <summary>
/// The cases <c>mcpguard init</c> writes beside its starter policy: for each risk class the server has, its
/// first tool and what the starter policy does with it, plus a name the server does not have. A tool whose
/// class comes from its annotations is left out: <c>mcpguard test</c> has no server, so it classifies by name.
/// </summary>
internal static class StarterCases
{
    private static readonly string[] s_header =
    [
        " McpGuard starter cases, written by `mcpguard init` beside the starter policy.",
        " Run them: mcpguard test --policy POLICY_FILE THIS_FILE   (the format is in docs/testing.md)",
        " Add a case for every rule you write: a call it lets through and one it stops.",
    ];

    /// <summary><c>policy.yaml</c> → <c>policy.cases.yaml</c>, beside it.</summary>
    public static string PathBeside(string policyPath)
    {
        var extension = Path.GetExtension(policyPath);
        var stem = extension is ".yaml" or ".yml" or ".json" ? policyPath[..^extension.Length] : policyPath;
        return stem + (extension == ".yml" ? ".cases.yml" : ".cases.yaml");
    }

    /// <summary>
    /// Writes the starter cases beside the policy unless a file is already there, after running them against
    /// the policy: cases that do not pass on the file they came with would only teach a person to ignore them.
    /// </summary>
    /// <returns>The path written, or null (with a line on <paramref name="error"/> saying why not).</returns>
    public static async Task<string?> WriteBesideAsync(
        string policyPath,
        CompiledPolicy policy,
        IReadOnlyList<ServerTool> tools,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        var path = PathBeside(policyPath);
        if (File.Exists(path))
        {
            await error.WriteLineAsync($"mcpguard: {path} exists; not overwriting it (no starter cases written).");
            return null;
        }

        var yaml = Write(policy, tools);
        var loaded = CasesLoader.LoadText(yaml, path);
        if (!loaded.Succeeded || CaseRunner.Run(policy, loaded.Cases).Any(r => !r.Passed))
        {
            await error.WriteLineAsync("mcpguard: the starter cases did not pass on the starter policy; "
                + "none were written (please report this).");
            return null;
        }

        if (await NewFile.WriteAsync(path, yaml, cancellationToken) is NewFileWrite.Failed failed)
        {
            await error.WriteLineAsync($"mcpguard: cannot write {TerminalText.Printable(path)}: "
                + $"{failed.Why} (no starter cases written).");
            return null;
        }

        return path;
    }

    public static string Write(CompiledPolicy policy, IReadOnlyList<ServerTool> tools)
    {
        var cases = new List<StarterCase>();
        foreach (var group in tools
            .Where(t => policy.Classify(t.Name, t.Hints, null) == policy.Classify(t.Name, null, null))
            .GroupBy(t => policy.Classify(t.Name, null, null)).OrderBy(g => g.Key))
        {
            var tool = group.First().Name;
            var (expect, what) = group.Key switch
            {
                RiskClass.Read => (CallVerdict.Allow, "is allowed"),
                RiskClass.Write or RiskClass.Destructive => (CallVerdict.RequireApproval, "needs a person"),
                RiskClass.Critical => (CallVerdict.UnknownTool, "is hidden"),
                _ => (CallVerdict.Deny, "is refused"),
            };
            cases.Add(new StarterCase($"{tool} ({group.Key.ToString().ToLowerInvariant()}) {what}", tool, expect));
        }

        var stranger = "no_such_tool";
        while (tools.Any(t => t.Name == stranger))
        {
            stranger += "_";
        }

        cases.Add(new StarterCase(
            $"a tool the server does not list ({stranger}) is refused", stranger, CallVerdict.Deny));
        return CasesWriter.Write(s_header, cases);
    }
}
