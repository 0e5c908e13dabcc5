using System.CommandLine;
using McpGuard.ClientConfig;
using McpGuard.Doctor;
using McpGuard.Home;
using McpGuard.Policy.Compile;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard doctor</c>: the first thing to run after a client says "Server disconnected" (docs/doctor.md).
/// Looks, changes nothing; exit 1 when it finds a problem.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var config = new Option<string[]>("--config")
        {
            Description = "Also check this client config; repeat for several.",
        };
        var command = new Command(
            "doctor",
            "Check the install, the client configs wrapped with mcpguard, their policies, the desk, the stores "
                + "and the running guards.")
        {
            config,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var path = Environment.GetEnvironmentVariable("PATH");
            var guard = GuardInvocation.Current(null);
            var findings = new List<DoctorFinding>();
            findings.AddRange(SetupChecks.Tool(guard, path));
            var homeVariable = Environment.GetEnvironmentVariable("HOME");
            if (SetupChecks.UserHomeProblem(homeVariable, UserHome.Path) is { } homeProblem)
            {
                findings.Add(homeProblem);
            }

            findings.Add(SetupChecks.Home(McpGuardHome.Path));
            if (SetupChecks.RelativeConfigHome(Environment.GetEnvironmentVariable, UserHome.Path) is { } configHome)
            {
                findings.Add(configHome);
            }

            var running = GuardProcesses.Find(McpGuardHome.Path);
            var configs = new ClientConfigCheck(guard, PolicyLoader.LoadFile, path, running);
            var home = UserHome.Path;
            var locations = ClientConfigLocations
                .All(home, Environment.CurrentDirectory, Environment.GetEnvironmentVariable)
                .Concat((parseResult.GetValue(config) ?? []).Select(extra => ("--config", Path.GetFullPath(extra))))
                .DistinctBy(location => location.Item2);
            foreach (var (client, file) in locations)
            {
                findings.AddRange(configs.Check(client, file));
            }

            findings.Add(await SetupChecks.DeskAsync(cancellationToken));
            foreach (var (policyPath, policy) in configs.ValidPolicies)
            {
                findings.Add(await SetupChecks.StoreAsync(policyPath, policy, cancellationToken));
            }

            findings.AddRange(Guards(running));
            foreach (var finding in findings)
            {
                var word = finding.Level switch { DoctorLevel.Ok => "ok", DoctorLevel.Note => "note", _ => "PROBLEM" };
                var indent = new string(' ', finding.Indent * 2);
                await output.WriteLineAsync($"{word,-8} {indent}{TerminalText.Printable(finding.Subject)}: "
                    + $"{TerminalText.Printable(finding.Text)}");
            }

            var problems = findings.Count(f => f.Level == DoctorLevel.Problem);
            await output.WriteLineAsync(
                problems == 0 ? "No problems found." : $"{problems} problem{(problems == 1 ? "" : "s")} found.");
            return problems == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static IEnumerable<DoctorFinding> Guards(IReadOnlyList<RunningGuard>? guards)
    {
        if (guards is null)
        {
            yield return new DoctorFinding(DoctorLevel.Note, "guards", "running guards are listed on Linux only");
            yield break;
        }

        yield return new DoctorFinding(DoctorLevel.Ok, "guards", $"{guards.Count} running now for this home");
        foreach (var guard in guards)
        {
            yield return new DoctorFinding(
                DoctorLevel.Ok, $"pid {guard.Pid}", $"{guard.Label}, policy {guard.Policy ?? "?"}", 1);
        }
    }
}
