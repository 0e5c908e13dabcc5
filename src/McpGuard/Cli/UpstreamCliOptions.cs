using System.CommandLine;
using McpGuard.Http.OAuth;
using McpGuard.Http.Upstream;
using McpGuard.Policy.Values;

namespace McpGuard.Cli;

/// <summary>
/// The options that point a guard at a remote MCP server (<c>run --url</c>, <c>serve --url</c>; docs/remote.md),
/// and their reading into <see cref="UpstreamOptions"/>. Every mistake is a usage error (exit 2) before anything runs.
/// </summary>
internal sealed class UpstreamCliOptions
{
    /// <summary>For run/serve/tools/check/init/pin --url and login --url alike; the URL is not repeated.</summary>
    internal const string EmptyPortError = "mcpguard: --url has a ':' after its host but no port: give the port, "
        + "or leave out the ':' for the scheme's default (80 for http, 443 for https).";

    public Option<string> Url { get; } = new("--url")
    {
        Description = "The remote MCP server's Streamable HTTP endpoint (https://…; http:// only for loopback). "
            + "Instead of -- COMMAND.",
    };

    public Option<string> UrlEnv { get; } = new("--url-env")
    {
        Description = "Instead of --url: a variable of the guard's environment that holds the URL (what wrap writes "
            + "for a URL with a query, which often carries a key that must not sit in the arguments).",
    };

    public Option<string[]> Header { get; } = new("--header")
    {
        Description = "A header of the guard's own for the remote server, 'NAME: VALUE'; ${VAR} is read from the "
            + "guard's environment. Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> HeaderEnv { get; } = new("--header-env")
    {
        Description = "A header whose whole value is a variable of the guard's environment, 'NAME=VARIABLE' "
            + "(what wrap writes). Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string> Transport { get; } = new("--transport")
    {
        Description = "The remote server's transport as the client config named it: http, streamable-http or "
            + "streamableHttp (all Streamable HTTP).",
    };

    public Option<string> Timeout { get; } = new("--upstream-timeout")
    {
        Description = "How long the remote server may take to start an answer, or stay silent within one "
            + "(e.g. 60s, 5m).",
        DefaultValueFactory = _ => "60s",
    };

    public Option<FileInfo> Ca { get; } = new("--ca")
    {
        Description = "A PEM file of CA certificates to trust besides the system's "
            + "(verification is never switched off).",
    };

    /// <summary>
    /// The <c>type</c> values of client configs that mean Streamable HTTP (docs/wrap.md#remote-servers).
    /// </summary>
    public static IReadOnlyList<string> StreamableTransports { get; } = ["http", "streamable-http", "streamableHttp"];

    public IEnumerable<Option> All => [Url, UrlEnv, Header, HeaderEnv, Transport, Timeout, Ca];

    /// <summary>
    /// Which server the guard fronts: the child after <c>--</c>, or the remote one of <c>--url</c> — exactly one of
    /// them. The server's upstream options (null for a child), or <see cref="ServerGiven.Invalid"/> after writing one
    /// line.
    /// </summary>
    public async Task<ServerGiven> ReadServerAsync(ParseResult parseResult, string[] commandLine, TextWriter error)
    {
        if (parseResult.GetValue(Url) is not null && parseResult.GetValue(UrlEnv) is not null)
        {
            await error.WriteLineAsync("mcpguard: give --url or --url-env, not both.");
            return ServerGiven.Invalid;
        }

        var isRemote = IsRemote(parseResult);
        if (isRemote == commandLine.Length > 0)
        {
            await error.WriteLineAsync("mcpguard: give the server either as -- COMMAND [ARGS...] or as --url URL.");
            return ServerGiven.Invalid;
        }

        if (!isRemote)
        {
            if (parseResult.GetValue(Header) is { Length: > 0 } || parseResult.GetValue(HeaderEnv) is { Length: > 0 }
                || parseResult.GetValue(Transport) is not null)
            {
                await error.WriteLineAsync(
                    "mcpguard: --header, --header-env and --transport are for a remote server (--url).");
                return ServerGiven.Invalid;
            }

            return new ServerGiven(Valid: true, Upstream: null);
        }

        return await ReadAsync(parseResult, error, Environment.GetEnvironmentVariable) is { } upstream
            ? new ServerGiven(Valid: true, upstream)
            : ServerGiven.Invalid;
    }

    /// <summary>Whether a remote server is named, by <c>--url</c> or <c>--url-env</c>.</summary>
    public bool IsRemote(ParseResult parseResult) =>
        parseResult.GetValue(Url) is not null || parseResult.GetValue(UrlEnv) is not null;

    /// <summary>The upstream options, or null after writing one line saying what is wrong.</summary>
    public async Task<UpstreamOptions?> ReadAsync(
        ParseResult parseResult, TextWriter error, Func<string, string?> environment)
    {
        var given = parseResult.GetValue(Url);
        if (parseResult.GetValue(UrlEnv) is { } variable)
        {
            given = environment(variable);
            if (string.IsNullOrEmpty(given))
            {
                // The variable's name only: its value is what the option keeps out of sight.
                await error.WriteLineAsync(
                    $"mcpguard: --url-env {TerminalText.Printable(variable)}: the guard's environment has no such "
                        + "variable, or it is empty.");
                return null;
            }
        }

        if (!Uri.TryCreate(given, UriKind.Absolute, out var url)
            || url.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(url.UserInfo))
        {
            await error.WriteLineAsync("mcpguard: --url must be an absolute http(s) URL without user info.");
            return null;
        }

        if (UrlPort.IsEmpty(url.OriginalString))
        {
            await error.WriteLineAsync(EmptyPortError);
            return null;
        }

        if (url.Scheme == "http" && !url.IsLoopback)
        {
            await error.WriteLineAsync("mcpguard: --url: plain http is only allowed to a loopback address; use https.");
            return null;
        }

        if (!Duration.TryParse(parseResult.GetValue(Timeout), out var timeout))
        {
            await error.WriteLineAsync("mcpguard: --upstream-timeout must be a duration such as 60s or 5m.");
            return null;
        }

        if (parseResult.GetValue(Transport) is { } transport && !StreamableTransports.Contains(transport))
        {
            await error.WriteLineAsync(transport == "sse"
                ? "mcpguard: --transport sse: the old HTTP+SSE transport is not spoken; --url needs Streamable HTTP."
                : "mcpguard: --transport must be http, streamable-http or streamableHttp.");
            return null;
        }

        var headers = new List<UpstreamHeader>();
        var headerOptions = (parseResult.GetValue(Header) ?? []).Select(o => HeaderOption.Parse(o, environment))
            .Concat((parseResult.GetValue(HeaderEnv) ?? [])
                .Select(o => HeaderOption.ParseFromEnvironment(o, environment)));
        foreach (var outcome in headerOptions)
        {
            switch (outcome)
            {
                case HeaderOptionOutcome.Parsed parsed when headers.Any(
                    h => string.Equals(h.Name, parsed.Header.Name, StringComparison.OrdinalIgnoreCase)):
                    // Two values of one header would reach the server as one joined list ("a, b"): say so instead.
                    await error.WriteLineAsync(
                        $"mcpguard: the header {parsed.Header.Name} is given twice; give it once.");
                    return null;
                case HeaderOptionOutcome.Parsed parsed:
                    headers.Add(parsed.Header);
                    break;
                case HeaderOptionOutcome.Invalid invalid:
                    await error.WriteLineAsync("mcpguard: " + invalid.Reason);
                    return null;
            }
        }

        var ca = parseResult.GetValue(Ca);
        if (ca is not null && !ca.Exists)
        {
            await error.WriteLineAsync($"mcpguard: --ca: {ca.FullName} does not exist.");
            return null;
        }

        if (ca is not null && UpstreamHttp.CaProblem(ca.FullName) is { } caProblem)
        {
            await error.WriteLineAsync("mcpguard: " + caProblem);
            return null;
        }

        var options = new UpstreamOptions
        {
            Endpoint = url,
            Headers = headers,
            Timeout = timeout,
            CaFile = ca?.FullName,
        };

        // The token of `mcpguard login` for this URL, unless a --header already gives the guard's Authorization.
        var store = TokenStore.Default;
        if (headers.Any(h => h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            || store.Find(url) is not { } login)
        {
            return options;
        }

        // Lives as long as the guard: refreshes go through it.
        var http = UpstreamHttp.CreateClient(options);
        return options with { Credential = new StoredCredential(login, store, http, TimeProvider.System) };
    }
}
