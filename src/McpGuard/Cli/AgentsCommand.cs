using System.CommandLine;
using McpGuard.Home;
using McpGuard.Composition;
using McpGuard.Pins;
using McpGuard.Policy;
using McpGuard.Policy.Agents;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Settings;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard agents add NAME | list | revoke NAME [--policy FILE]</c>: the bearer tokens of <c>serve</c>
/// (docs/serve.md#tokens). The token is printed once, on add; the file keeps only its SHA-256.
/// </summary>
internal static class AgentsCommand
{
    public static Command Create()
    {
        var command = new Command("agents", "Manage the agents (bearer tokens) that may call `mcpguard serve`.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Add()
    {
        var policy = CommonOptions.Policy(required: false);
        var name = new Argument<string>("name")
        {
            Description = "The agent's name (letters, digits, . _ -), shown in audit records and approvals.",
        };
        var command = new Command("add", "Create an agent and print its bearer token (once: only its hash is kept).")
        {
            name, policy,
        };
        command.SetAction(async (parseResult, _) =>
        {
            var agent = parseResult.GetValue(name)!;
            if (!AgentsFile.ValidName().IsMatch(agent))
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                    "mcpguard: an agent name is 1-64 ASCII letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit");
                return ExitCodes.UsageOrPolicyError;
            }

            return await WithFileAsync(parseResult, policy, async (path, agents, compiled) =>
            {
                if (agents.Any(a => a.Name == agent))
                {
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                        $"mcpguard: agent {agent} exists already in {path}; revoke it first");
                    return ExitCodes.UsageOrPolicyError;
                }

                var token = AgentsFile.NewToken();
                McpGuardHome.EnsureDirectoryOf(path);
                AgentsFile.Write(
                    path, [.. agents, new AgentEntry(agent, AgentsFile.Hash(token), TimeProvider.System.GetUtcNow())]);
                await parseResult.InvocationConfiguration.Output.WriteLineAsync(token);
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                    $"mcpguard: added agent {agent} to {path}. The token above is shown only now: give it to the "
                        + $"agent as 'Authorization: Bearer TOKEN'.");
                if (compiled is { Serve.Auth: not ServeAuth.Tokens } checksNone)
                {
                    // Else the token guards nothing (auth: none admits every request) and whoever hands it out
                    // believes it does.
                    var auth = checksNone.Serve.Auth is ServeAuth.OAuth ? "oauth" : "none";
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                        $"mcpguard: serve with {TerminalText.Printable(checksNone.Source)} does not ask for this token "
                            + $"(its serve.auth is {auth}): add 'auth: {{ tokens: {TokensValue(checksNone, path)} }}' "
                            + "to its serve block (docs/serve.md).");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>
    /// The <c>serve.auth.tokens</c> value that names the file this agent was just added to: a bare
    /// <c>agents.yaml</c> would mean the one beside the policy, where the token is not, and serve would refuse it.
    /// Relative to the policy's folder when the file is inside it, else absolute; quoted unless plainly safe in YAML.
    /// </summary>
    private static string TokensValue(CompiledPolicy policy, string written)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(policy.Source))!;
        var relative = Path.GetRelativePath(folder, written);
        var value = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? written
            : relative;
        return value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-')
            ? value
            : LockFileWriter.Quote(value);
    }

    private static Command List()
    {
        var policy = CommonOptions.Policy(required: false);
        var command = new Command("list", "List the agents (names and when they were added; never tokens).") { policy };
        command.SetAction((parseResult, _) => WithFileAsync(parseResult, policy, async (path, agents, _) =>
        {
            if (agents.Count == 0)
            {
                // Empty stdout stays a valid (empty) list for scripts; the person reading learns why on stderr.
                var where = File.Exists(path) ? $"no agents in {path}." : $"no agents: {path} does not exist.";
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                    $"mcpguard: {where} Add one with 'mcpguard agents add NAME'.");
            }

            foreach (var agent in agents)
            {
                await parseResult.InvocationConfiguration.Output.WriteLineAsync(
                    $"{agent.Name}\tadded {agent.Added.UtcDateTime:yyyy-MM-dd HH:mm}Z");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var policy = CommonOptions.Policy(required: false);
        var name = new Argument<string>("name")
        {
            Description = "The agent to remove; its token stops working at once.",
        };
        var command = new Command(
            "revoke", "Remove an agent: a running serve refuses its token from the next request on.")
        {
            name, policy,
        };
        command.SetAction((parseResult, _) => WithFileAsync(parseResult, policy, async (path, agents, _) =>
        {
            var agent = parseResult.GetValue(name)!;
            if (agents.All(a => a.Name != agent))
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                    $"mcpguard: no agent named {TerminalText.Printable(agent)} in {path}");
                return ExitCodes.Failure;
            }

            AgentsFile.Write(path, [.. agents.Where(a => a.Name != agent)]);
            await parseResult.InvocationConfiguration.Error.WriteLineAsync($"mcpguard: revoked agent {agent}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<int> WithFileAsync(
        ParseResult parseResult,
        Option<FileInfo> policyOption,
        Func<string, IReadOnlyList<AgentEntry>, CompiledPolicy?, Task<int>> action)
    {
        var error = parseResult.InvocationConfiguration.Error;
        CompiledPolicy? policy = null;
        if (parseResult.GetValue(policyOption) is { } file)
        {
            var loaded = PolicyLoader.LoadFile(file.FullName);
            if (!loaded.Succeeded)
            {
                await PolicyErrors.WriteAsync(error, loaded, "the agents file was not read or changed");
                return ExitCodes.UsageOrPolicyError;
            }

            policy = loaded.Policy;
        }

        var path = AgentsFilePath.For(policy);
        try
        {
            return await action(path, AgentsFile.Read(path), policy);
        }
        catch (InvalidDataException ex)
        {
            await error.WriteLineAsync("mcpguard: " + ex.Message);
            return ExitCodes.UsageOrPolicyError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing was printed before the file was written: a token is shown only once it is stored.
            await error.WriteLineAsync(
                $"mcpguard: cannot read or write the agents file {TerminalText.Printable(path)}: "
                    + $"{TerminalText.FirstLine(ex.Message)}; the agents file was not changed.");
            return ExitCodes.Failure;
        }
    }
}
