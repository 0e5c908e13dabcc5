using System.CommandLine;
using McpGuard.Approval;
using McpGuard.Http.Upstream;
using McpGuard.Reload;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary><c>mcpguard run --policy FILE (-- COMMAND [ARGS...] | --url URL)</c>: the guard itself.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var guard = new GuardCliOptions();
        var monitorOption = new Option<bool>("--monitor")
        {
            Description = "Decide, log and audit every call but block none (hidden tools stay hidden).",
        };
        var shutdownOption = CommonOptions.Seconds(
            "--shutdown-timeout",
            "Seconds the server gets to exit after its stdin is closed, and again after SIGTERM, "
                + "before its process tree is killed.",
            5);
        var command = new Command(
            "run",
            "Start the MCP server as a child (or reach a remote one with --url) and guard every message between it "
                + "and the client.")
        {
            guard.Policy,
            guard.Audit,
            monitorOption,
            shutdownOption,
            guard.Name,
            guard.LogLevel,
            guard.ServerCommand,
        };
        guard.AddUpstreamTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            if (await guard.ReadAsync(parseResult, error) is not GuardSetup.Ready setup)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            var (commandLine, upstream, policyPath, policy) = setup;
            if (upstream is not null)
            {
                InlineSocketCompletions.Enable();
            }

            using var loggerFactory = GuardLogging.Create(parseResult.GetValue(guard.LogLevel));
            using var stop = new StopSignal();

            var serverName = guard.ServerNameOf(parseResult, commandLine, upstream?.Endpoint);

            // Telemetry, the counter store and the engine; off unless configured (docs/telemetry.md).
            await using var runtime = await GuardRuntime.StartAsync(
                policy, scrape: false, serverName, loggerFactory);
            var engine = runtime.Engine;
            var grace = TimeSpan.FromSeconds(parseResult.GetValue(shutdownOption));
            var options = new RelayOptions
            {
                Session = new SessionOptions
                {
                    Monitor = parseResult.GetValue(monitorOption),
                    TelemetryArguments = policy.Telemetry.Arguments,
                    ServerTransport = upstream is null ? "pipe" : "tcp",
                    ServerLabel = guard.GivenName(parseResult),
                },
                Shutdown = new ShutdownTimeouts { AfterStdinClosed = grace, AfterSigterm = grace },
            };
            using var audit = guard.OpenAudit(parseResult, policy, serverName, loggerFactory);
            if (upstream is not null)
            {
                using var http = UpstreamHttp.CreateInvoker(upstream);
                RemoteRelay.LogUpstream(loggerFactory.CreateLogger<RemoteRelay>(), upstream.DisplayName);
                var remote = new RemoteRelay(
                    new SessionPolicy(engine),
                    channels => Approvers.Create(
                        engine, new McpGuard.Session.ElicitationChannel(channels), loggerFactory),
                    audit,
                    options,
                    upstream,
                    http,
                    loggerFactory);
                await using var remoteWatcher = new PolicyWatcher(
                    policyPath, engine, remote.OnPolicyReloadedAsync, loggerFactory.CreateLogger<PolicyWatcher>());
                using var clientInput = new InlineReadStream(Console.OpenStandardInput());
                using var clientOutput = StandardOutput.Open();
                var remoteExit = await remote.RunAsync(serverName, clientInput, clientOutput, stop.Token);
                return stop.ExitCode ?? remoteExit;
            }

            var relay = new StdioRelay(
                new SessionPolicy(engine),
                channels => Approvers.Create(engine, new McpGuard.Session.ElicitationChannel(channels), loggerFactory),
                audit,
                options,
                loggerFactory);
            await using var watcher = new PolicyWatcher(
                policyPath, engine, relay.OnPolicyReloadedAsync, loggerFactory.CreateLogger<PolicyWatcher>());
            try
            {
                // The console stream has no ReadAsync of its own: Stream's default runs each blocking read as a
                // thread-pool work item, a hand-off per client line. Read inline, on the client pump's own thread.
                using var stdin = new InlineReadStream(Console.OpenStandardInput());
                using var stdout = StandardOutput.Open();
                using var stderr = Console.OpenStandardError();
                var exitCode = await relay.RunAsync(
                    commandLine, serverName, stdin, stdout, stderr, stop.Token, stop.Hurried);
                return stop.ExitCode ?? exitCode;
            }
            catch (ChildStartException ex)
            {
                await error.WriteLineAsync($"mcpguard: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
