using McpGuard.Inventory;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>
/// Loading a policy and listing a server, with the errors a person sees, shared by tools, check, pin and init.
/// </summary>
internal static class ServerInspection
{
    private static readonly TimeSpan s_listTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_quietStart = TimeSpan.FromSeconds(2);

    /// <param name="consequence">What did not happen, for the error's last line (explain, test and replay start no
    /// server).</param>
    public static async Task<CompiledPolicy?> LoadPolicyAsync(
        FileInfo file, TextWriter error, string consequence = "the server was not started")
    {
        var loaded = PolicyLoader.LoadFile(file.FullName);
        if (loaded.Succeeded)
        {
            return loaded.Policy;
        }

        await PolicyErrors.WriteAsync(error, loaded, consequence);
        return null;
    }

    /// <returns>
    /// The server's inventory, or none after saying on <paramref name="error"/>, in one line, why it could not be
    /// listed. Whatever the server answers is its own input, not a bug of ours, so any failure is that one line
    /// (server text in it made inert); <paramref name="verbose"/> adds the exception for a bug report. SIGINT, SIGTERM
    /// or SIGHUP while it lists (Ctrl-C) stop the server before the command exits with the signal's code: the
    /// runtime's own handling would end this process at once and leave the server running.
    /// </returns>
    public static async Task<ServerListing> ListAsync(
        IReadOnlyList<string> commandLine,
        ServerConnector connector,
        bool verbose,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        // The SDK's own logging is never printed (its lines would carry the server's text past the sanitiser); it is
        // heard only for what the server wrote on stdout that is not an MCP message, which the failure line names.
        var stray = new StrayOutput();
        using var loggerFactory = new LoggerFactory([stray], new LoggerFilterOptions { MinLevel = LogLevel.Trace });
        var shown = TerminalText.Printable(string.Join(' ', commandLine));
        using var stop = new StopSignal();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
            timeout.CancelAfter(s_listTimeout);
            // Listed or given up, the server is not waited for: its tree is killed as the connection closes (one
            // that ignores its stdin's end kept the command 5 s, and a Ctrl-C meanwhile too).
            using var over = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var listing = ServerProbe.ListToolsAsync(
                connector.Connect(commandLine, loggerFactory, over.Token), timeout.Token, over.Cancel);
            // A server started by uvx or npx may first resolve and download packages: say what is being waited for.
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var waited = Task.Delay(s_quietStart, patience.Token);
            if (await Task.WhenAny(listing, waited) == waited && !waited.IsCanceled)
            {
                await error.WriteLineAsync(
                    $"mcpguard: starting '{shown}' (waiting up to {s_listTimeout.TotalSeconds:0} s for its answer)…");
            }

            await patience.CancelAsync();
            return new ServerListing(await listing, ExitCodes.Success);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception) when (stop.ExitCode is { } signalled)
        {
            // The listing's connection is disposed by now, and with it the server (its whole process tree).
            await error.WriteLineAsync($"mcpguard: stopped by a signal while listing the tools of '{shown}'; "
                + "the server was stopped too.");
            return new ServerListing(null, signalled);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var why = ex is OperationCanceledException
                ? $"no answer within {s_listTimeout.TotalSeconds:0} s"
                : ServerFailureText.Describe(ex, commandLine);
            why += stray.Describe();
            await error.WriteLineAsync($"mcpguard: cannot list the tools of '{shown}': {TerminalText.Printable(why)}"
                + $"{(verbose ? "" : " (--verbose for details)")}");
            if (verbose)
            {
                foreach (var line in ex.ToString().Split('\n'))
                {
                    await error.WriteLineAsync(TerminalText.Printable(line.TrimEnd('\r')));
                }
            }

            return new ServerListing(null, ExitCodes.Failure);
        }
    }
}
