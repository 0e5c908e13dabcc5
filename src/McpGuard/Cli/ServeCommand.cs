using System.CommandLine;
using McpGuard.Composition;
using McpGuard.Http;
using McpGuard.Http.Upstream;
using McpGuard.Reload;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard serve --policy FILE [--listen ADDR:PORT] -- COMMAND</c>: the guard as an HTTP gateway (docs/serve.md).
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var guard = new GuardCliOptions();
        var listenOption = new Option<string>("--listen")
        {
            Description = "ADDRESS:PORT to listen on; overrides serve.listen "
                + "(default 127.0.0.1:8750; port 0 picks a free one).",
        };
        var monitorOption = new Option<bool>("--monitor")
        {
            Description = "Decide, log and audit every call but block none.",
        };
        var drainOption = CommonOptions.Seconds(
            "--drain", "Seconds requests in flight may take to finish after SIGTERM before they are cancelled.", 10);
        var command = new Command(
            "serve",
            "Serve the guarded MCP server (a child, or a remote one with --url) on a Streamable HTTP endpoint.")
        {
            guard.Policy, listenOption, guard.Audit, monitorOption, drainOption, guard.Name, guard.LogLevel,
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
                // Every request is then handled on the thread its bytes arrived on (docs/remote.md#performance).
                InlineSocketCompletions.Enable();
            }

            var drain = TimeSpan.FromSeconds(parseResult.GetValue(drainOption));
            if (!ServeOptionsResolver.TryResolve(
                    policy, parseResult.GetValue(listenOption), drain, out var options, out var refusal))
            {
                await error.WriteLineAsync("mcpguard: " + refusal);
                return ExitCodes.UsageOrPolicyError;
            }

            using var loggerFactory = GuardLogging.Create(parseResult.GetValue(guard.LogLevel));
            using var stop = new StopSignal();

            // As in run (docs/telemetry.md), plus the Prometheus scrape on this listener when telemetry.prometheus is
            // set.
            var serverName = guard.ServerNameOf(parseResult, commandLine, upstream?.Endpoint);
            await using var runtime = await GuardRuntime.StartAsync(
                policy, scrape: true, serverName, loggerFactory);
            var engine = runtime.Engine;
            var relayOptions = new RelayOptions
            {
                Session = new SessionOptions
                {
                    Monitor = parseResult.GetValue(monitorOption),
                    NetworkTransport = "tcp",
                    ServerTransport = upstream is null ? "pipe" : "tcp",
                    TelemetryArguments = policy.Telemetry.Arguments,
                    ServerLabel = guard.GivenName(parseResult),
                },
                ChildOutputReadsInline = false,
                // Also an initialize answered with an error, which opens no session (docs/serve.md): with --url
                // there may then be no upstream session to end.
                ClientInputEnded = "A session ended (DELETE, sessions.idle, a revoked token or an initialize that "
                    + "opened none): " + (upstream is null
                        ? "its server is being ended."
                        : "its upstream session, if one was opened, is being ended."),
                UnansweredWhenInputEnded = "The session ended",
            };
            using var audit = guard.OpenAudit(parseResult, policy, serverName, loggerFactory);
            using var upstreamHttp = upstream is null ? null : UpstreamHttp.CreateInvoker(upstream);
            if (upstream is not null)
            {
                RemoteRelay.LogUpstream(loggerFactory.CreateLogger<RemoteRelay>(), upstream.DisplayName);
            }

            var launcher = new GuardLauncher(
                new SessionPolicy(engine), audit, relayOptions, commandLine, serverName, loggerFactory,
                Console.OpenStandardError(),
                upstream is null ? null : (upstream, upstreamHttp!));
            var host = new GatewayHost(
                options with { MaxMessageBytes = relayOptions.Session.MaxMessageBytes },
                launcher,
                engine.TimeProvider,
                runtime.Metrics);
            await using var watcher = new PolicyWatcher(
                policyPath, engine, host.OnPolicyReloadedAsync, loggerFactory.CreateLogger<PolicyWatcher>(),
                serving: true);
            try
            {
                await host.RunAsync(url => error.WriteLine($"mcpguard: serving {url}"), stop.Token);
            }
            catch (FileNotFoundException ex) when (options.Tls is not null)
            {
                // Not a listening problem: the certificate or key named in serve.tls is not there.
                await error.WriteLineAsync($"mcpguard: serve.tls: {ex.FileName} does not exist.");
                return ExitCodes.Failure;
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"mcpguard: cannot listen on {options.Listen}: {ex.Message}");
                return ExitCodes.Failure;
            }
            catch (System.Security.Cryptography.CryptographicException ex) when (options.Tls is { } tls)
            {
                // Swapped files, a key that does not match, not PEM: said, not thrown at the user.
                await error.WriteLineAsync(
                    $"mcpguard: serve.tls: cannot use {tls.Certificate} and {tls.Key}: {ex.Message}");
                return ExitCodes.Failure;
            }

            return stop.ExitCode ?? ExitCodes.Success;
        });
        return command;
    }
}
