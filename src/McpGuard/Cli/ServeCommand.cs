using System.CommandLine;
using McpGuard.Audit;
using McpGuard.Http;
using McpGuard.Http.Upstream;
using McpGuard.Policy.Compile;
using McpGuard.Reload;
using McpGuard.Session;
using McpGuard.State;
using McpGuard.Stdio;
using McpGuard.Telemetry;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard serve --policy FILE [--listen ADDR:PORT] -- COMMAND</c>: the guard as an HTTP gateway (docs/serve.md).
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var policyOption = CommonOptions.Policy();
        var listenOption = new Option<string>("--listen")
        {
            Description = "ADDRESS:PORT to listen on; overrides serve.listen "
                + "(default 127.0.0.1:8750; port 0 picks a free one).",
        };
        var auditOption = new Option<string>("--audit")
        {
            Description = "Audit log file (JSON lines); overrides the policy's audit.path.",
        };
        var monitorOption = new Option<bool>("--monitor")
        {
            Description = "Decide, log and audit every call but block none.",
        };
        var drainOption = new Option<double>("--drain")
        {
            Description = "Seconds requests in flight may take to finish after SIGTERM before they are cancelled.",
            DefaultValueFactory = _ => 10,
        };
        var logLevelOption = CommonOptions.LogLevel();
        var serverCommand = CommonOptions.ServerCommand(required: false);
        var upstreamOptions = new UpstreamCliOptions();
        var command = new Command(
            "serve",
            "Serve the guarded MCP server (a child, or a remote one with --url) on a Streamable HTTP endpoint.")
        {
            policyOption, listenOption, auditOption, monitorOption, drainOption, logLevelOption, serverCommand,
        };
        foreach (var option in upstreamOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var commandLine = parseResult.GetValue(serverCommand) ?? [];
            var server = await upstreamOptions.ReadServerAsync(parseResult, commandLine, error);
            if (!server.Valid)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            var upstream = server.Upstream;

            var policyPath = parseResult.GetValue(policyOption)!.FullName;
            var loaded = PolicyLoader.LoadFile(policyPath);
            if (!loaded.Succeeded)
            {
                await PolicyErrors.WriteAsync(error, loaded);
                return ExitCodes.UsageOrPolicyError;
            }

            var drain = TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(drainOption)));
            if (!ServeOptionsResolver.TryResolve(
                    loaded.Policy, parseResult.GetValue(listenOption), drain, out var options, out var refusal))
            {
                await error.WriteLineAsync("mcpguard: " + refusal);
                return ExitCodes.UsageOrPolicyError;
            }

            using var loggerFactory = GuardLogging.Create(parseResult.GetValue(logLevelOption));
            using var stop = new StopSignal();

            // As in run (docs/telemetry.md), plus the Prometheus scrape on this listener when telemetry.prometheus is
            // set.
            var serverName = upstream is not null ? upstream.Endpoint.Host : ServerName.FromCommandLine(commandLine);
            await using var runtime = await GuardRuntime.StartAsync(
                loaded.Policy, scrape: true, serverName, loggerFactory);
            var engine = runtime.Engine;
            var relayOptions = new RelayOptions
            {
                Session = new SessionOptions
                {
                    Monitor = parseResult.GetValue(monitorOption),
                    NetworkTransport = "tcp",
                    TelemetryArguments = loaded.Policy.Telemetry.Arguments,
                },
                ChildOutputReadsInline = false,
            };
            using var audit = AuditLog.Open(
                loaded.Policy.Audit,
                serverName,
                loggerFactory.CreateLogger<AuditLog>(),
                parseResult.GetValue(auditOption));
            using var upstreamHttp = upstream is null ? null : UpstreamHttp.CreateInvoker(upstream);
            var launcher = new GuardLauncher(
                engine, audit, relayOptions, commandLine, serverName, loggerFactory, Console.OpenStandardError(),
                upstream is null ? null : (upstream, upstreamHttp!));
            var host = new GatewayHost(
                options with { MaxMessageBytes = relayOptions.Session.MaxMessageBytes },
                launcher,
                engine.TimeProvider,
                runtime.Metrics);
            await using var watcher = new PolicyWatcher(
                policyPath, engine, host.OnPolicyReloadedAsync, loggerFactory.CreateLogger<PolicyWatcher>());
            try
            {
                await host.RunAsync(url => error.WriteLine($"mcpguard: serving {url}"), stop.Token);
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"mcpguard: cannot listen on {options.Listen}: {ex.Message}");
                return ExitCodes.Failure;
            }

            return stop.ExitCode ?? ExitCodes.Success;
        });
        return command;
    }
}
