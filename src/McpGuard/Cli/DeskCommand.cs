using System.CommandLine;
using McpGuard.Desk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary><c>mcpguard desk [--port N]</c>: the local approval page for every running guard.</summary>
internal static class DeskCommand
{
    public static Command Create()
    {
        var portOption = new Option<int>("--port")
        {
            Description = $"The port on 127.0.0.1 to serve the desk on (default {DeskFiles.DefaultPort}; "
                + $"0 picks a free one).",
            DefaultValueFactory = _ => DeskFiles.DefaultPort,
        };
        var logLevelOption = CommonOptions.LogLevel();
        var command = new Command(
            "desk",
            "Serve the approval page on 127.0.0.1: approve or deny the calls running guards hold for a person.")
        {
            portOption,
            logLevelOption,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var port = parseResult.GetValue(portOption);
            if (port is < 0 or > 65535)
            {
                await error.WriteLineAsync("mcpguard: --port must be between 0 and 65535.");
                return ExitCodes.UsageOrPolicyError;
            }

            string secret;
            bool createdSecret;
            try
            {
                secret = DeskFiles.ReadOrCreateSecret(out createdSecret);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(
                    $"mcpguard: cannot use the secret {DeskFiles.SecretPath}: {ex.Message}");
                return ExitCodes.Failure;
            }

            // ASP.NET Core logs every request at Information; only its warnings and errors are the desk's business.
            // The host's own start failure (a taken port) is logged with its whole stack: it is said below in one line.
            using var loggerFactory = GuardLogging.Create(parseResult.GetValue(logLevelOption), logging => logging
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
                .AddFilter("Microsoft.Hosting", LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None));
            using var stop = new StopSignal();
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
            WebApplication app;
            try
            {
                (app, port) = await DeskApp.StartAsync(
                    port, secret, TimeProvider.System, loggerFactory, stopping.Token);
            }
            catch (IOException ex)
            {
                // A desk that never served leaves no secret it wrote behind: while one exists, guards take a desk to
                // be set up and ask whatever else answers on the port.
                if (createdSecret)
                {
                    Forget(secret);
                }

                await error.WriteLineAsync(ex.InnerException is AddressInUseException
                    ? $"mcpguard: 127.0.0.1:{port} is already in use (a desk already running? "
                        + "`mcpguard doctor` says), or pick another with --port"
                    : $"mcpguard: cannot listen on 127.0.0.1:{port}: {ex.Message}");
                return ExitCodes.Failure;
            }

            await using (app)
            {
                // Guards read the port at each question, so they find a desk started after them.
                DeskFiles.WritePort(port);
                await output.WriteLineAsync(
                    $"McpGuard desk: http://127.0.0.1:{port}/?key={DeskFiles.PageKey(secret)} (Ctrl+C to stop)");
                await output.FlushAsync(CancellationToken.None);
                try
                {
                    await Task.Delay(Timeout.Infinite, stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: stop serving.
                }

                await app.StopAsync(CancellationToken.None);
            }

            return stop.ExitCode ?? ExitCodes.Success;
        });
        return command;
    }

    private static void Forget(string secret)
    {
        try
        {
            DeskFiles.ForgetSecret(secret);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only cleanup: the start failure is what the user needs to read.
        }
    }
}
