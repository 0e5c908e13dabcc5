using System.CommandLine;
using System.Diagnostics;
using McpGuard.Http.OAuth;
using McpGuard.Http.Upstream;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard login --url URL</c>: signs the guard in to a remote MCP server (docs/remote.md#login). The token is the
/// guard's own, stored per issuer under MCPGUARD_HOME with mode 0600, and used by <c>run --url</c> for that URL.
/// </summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var urlOption = new Option<string>("--url") { Description = "The remote MCP server's URL.", Required = true };
        var clientIdOption = new Option<string>("--client-id")
        {
            Description = "A client id registered at the authorization server, or the URL of your Client ID Metadata "
                + "Document (default: dynamic registration).",
        };
        var noBrowserOption = new Option<bool>("--no-browser")
        {
            Description = "Only print the sign-in page's address; do not open a browser.",
        };
        var timeoutOption = new Option<string>("--timeout")
        {
            Description = "How long to wait for the sign-in (e.g. 5m).",
            DefaultValueFactory = _ => "5m",
        };
        var caOption = new Option<FileInfo>("--ca")
        {
            Description = "A PEM file of CA certificates to trust besides the system's.",
        };
        var command = new Command(
            "login",
            "Sign the guard in to a remote MCP server (OAuth 2.1 with PKCE); run --url and serve --url then use the "
            + "token.")
        {
            urlOption, clientIdOption, noBrowserOption, timeoutOption, caOption,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            if (!Uri.TryCreate(parseResult.GetValue(urlOption), UriKind.Absolute, out var url)
                || url.Scheme is not ("https" or "http")
                || (url.Scheme == "http" && !url.IsLoopback))
            {
                await error.WriteLineAsync("mcpguard: --url must be an https URL (http only for loopback).");
                return ExitCodes.UsageOrPolicyError;
            }

            if (UrlPort.IsEmpty(url.OriginalString))
            {
                await error.WriteLineAsync(UpstreamCliOptions.EmptyPortError);
                return ExitCodes.UsageOrPolicyError;
            }

            if (!string.IsNullOrEmpty(url.UserInfo))
            {
                // As run --url refuses it: a password in the URL would be echoed in every message naming the server.
                await error.WriteLineAsync("mcpguard: --url must be an absolute http(s) URL without user info.");
                return ExitCodes.UsageOrPolicyError;
            }

            if (!Policy.Values.Duration.TryParse(parseResult.GetValue(timeoutOption), out var timeout))
            {
                await error.WriteLineAsync("mcpguard: --timeout must be a duration such as 5m.");
                return ExitCodes.UsageOrPolicyError;
            }

            if (parseResult.GetValue(caOption)?.FullName is { } ca
                && (File.Exists(ca) ? UpstreamHttp.CaProblem(ca) : $"--ca: {ca} does not exist.") is { } caProblem)
            {
                await error.WriteLineAsync("mcpguard: " + caProblem);
                return ExitCodes.UsageOrPolicyError;
            }

            using var http = UpstreamHttp.CreateClient(
                new UpstreamOptions { Endpoint = url, CaFile = parseResult.GetValue(caOption)?.FullName });
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            waiting.CancelAfter(timeout);
            var store = TokenStore.Default;
            try
            {
                var login = await new LoginFlow(http, store, TimeProvider.System).RunAsync(
                    url,
                    parseResult.GetValue(clientIdOption),
                    async page =>
                    {
                        await error.WriteLineAsync(
                            $"Sign in on this page (waiting up to {parseResult.GetValue(timeoutOption)}):");
                        await error.WriteLineAsync(page.ToString());
                        if (!parseResult.GetValue(noBrowserOption))
                        {
                            OpenBrowser(page);
                        }
                    },
                    waiting.Token);
                await error.WriteLineAsync($"Signed in to {login.Url} at {TerminalText.Printable(login.Issuer)}; "
                    + $"the token is in {store.FileOf(login.Issuer)} (mode 0600).");
                return ExitCodes.Success;
            }
            catch (OAuthException ex)
            {
                await error.WriteLineAsync("mcpguard: " + TerminalText.Printable(ex.Message));
                return ExitCodes.Failure;
            }
            catch (HttpRequestException ex)
            {
                await error.WriteLineAsync($"mcpguard: sign-in failed: {UpstreamFailure.Describe(ex)}.");
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException)
                when (waiting.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"mcpguard: nobody signed in within {parseResult.GetValue(timeoutOption)}.");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static void OpenBrowser(Uri page)
    {
        var opener = OperatingSystem.IsMacOS() ? "open" : OperatingSystem.IsWindows() ? "explorer" : "xdg-open";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, page.ToString())
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No browser opener here: the printed address is enough.
        }
    }
}
