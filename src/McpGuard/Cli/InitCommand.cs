using System.CommandLine;
using McpGuard.Home;
using McpGuard.Inventory;
using McpGuard.Policy.Compile;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard init [--out FILE] (-- COMMAND | --url URL)</c>: a commented starter policy from the server's tools. A
/// remote server is listed as <c>tools</c>, <c>check</c> and <c>pin</c> list it (docs/remote.md#inventory).
/// </summary>
internal static class InitCommand
{
    public static Command Create(ServerConnector? connector = null)
    {
        var outOption = new Option<FileInfo>("--out", "-o")
        {
            Description = "Write the policy here instead of stdout (refuses to overwrite).",
        };
        var server = new InspectedServerOptions();
        var command = new Command(
            "init", "Write a starter policy for a server (after --, or --url) from its tools and their risk classes.")
        {
            outOption,
        };
        server.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await server.ReadAsync(parseResult, error, connector) is not { } target)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            // Before the server starts: a refusal should not wait for (or run) a server first.
            if (parseResult.GetValue(outOption) is { } outFile && OutRefusal(outFile) is { } refusal)
            {
                await error.WriteLineAsync($"mcpguard: {refusal}");
                return ExitCodes.UsageOrPolicyError;
            }

            var listing = await target.ListAsync(error, cancellationToken);
            if (listing.Inventory is not { } inventory)
            {
                return listing.ExitCode;
            }

            var tools = inventory.Tools;
            var starter = StarterPolicy.Write(
                target.Remote is { } url ? new Uri(url).Host : ServerName.FromCommandLine(target.Shown), inventory,
                StarterPolicy.AuditPathYaml(Environment.GetEnvironmentVariable("MCPGUARD_HOME"), UserHome.Path),
                remote: target.Remote is not null);
            foreach (var name in starter.LeftOut)
            {
                await error.WriteLineAsync($"mcpguard: warning: the tool '{TerminalText.Printable(name)}' "
                    + "has characters that are unsafe in a policy file; it is left out of the comments "
                    + "(its risk class still applies).");
            }

            // The template sets no tools, hides no names and sets no classes: if the text says otherwise,
            // something from the server got into it, and the file is not written.
            var check = PolicyLoader.LoadText(starter.Yaml, "starter policy");
            if (!check.Succeeded || check.Policy.Entries.Count > 0 || check.Policy.Hide.Count > 0
                || check.Policy.RiskOverrides.Count > 0)
            {
                await error.WriteLineAsync("mcpguard: the starter policy did not come out as written; "
                    + "nothing was written (please report this).");
                return ExitCodes.Failure;
            }

            if (parseResult.GetValue(outOption) is not { } file)
            {
                await output.WriteAsync(starter.Yaml);
                return ExitCodes.Success;
            }

            if (file.Exists)
            {
                await error.WriteLineAsync($"mcpguard: {file.FullName} exists; not overwriting it.");
                return ExitCodes.UsageOrPolicyError;
            }

            if (await NewFile.WriteAsync(file.FullName, starter.Yaml, cancellationToken)
                is NewFileWrite.Failed failed)
            {
                await error.WriteLineAsync(
                    $"mcpguard: cannot write {TerminalText.Printable(file.FullName)}: {failed.Why}.");
                return failed.ByUser ? ExitCodes.UsageOrPolicyError : ExitCodes.Failure;
            }

            var named = target.Remote is { } remote ? $"--url {remote}" : "-- " + string.Join(' ', target.Shown);
            await output.WriteLineAsync($"Wrote {file.FullName} ({tools.Count} tools). Next: mcpguard check --policy "
                + $"{file.FullName} {TerminalText.Printable(named)}");
            if (await StarterCases.WriteBesideAsync(file.FullName, check.Policy, tools, error, cancellationToken)
                is { } cases)
            {
                await output.WriteLineAsync(
                    $"Wrote {cases}. Prove the policy with: mcpguard test --policy {file.FullName} {cases}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Why <paramref name="file"/> cannot be written, known before the server runs; null when it may be. A missing
    /// folder is not created (the README's <c>init</c> paragraph): a typo in the path should leave no folders behind.
    /// </summary>
    private static string? OutRefusal(FileInfo file)
    {
        var path = TerminalText.Printable(file.FullName);
        if (Directory.Exists(file.FullName))
        {
            return $"cannot write {path}: it is a folder.";
        }
        if (file.Exists)
        {
            return $"{path} exists; not overwriting it.";
        }
        if (file.DirectoryName is { } folder && File.Exists(folder))
        {
            return $"cannot write {path}: {TerminalText.Printable(folder)} is a file, not a folder.";
        }
        if (file.DirectoryName is { } missing && !Directory.Exists(missing))
        {
            return $"cannot write {path}: its folder {TerminalText.Printable(missing)} does not exist "
                + "(create it first; init does not create folders).";
        }
        return null;
    }
}
