using System.CommandLine;
using McpGuard.Http.OAuth;
using McpGuard.Http.Upstream;
using McpGuard.Policy;

namespace McpGuard.Cli;

/// <summary>
/// The options that point a guard at a remote MCP server (<c>run --url</c>, <c>serve --url</c>; docs/remote.md),
/// and their reading into <see cref="UpstreamOptions"/>. Every mistake is a usage error (exit 2) before anything runs.
/// </summary>
internal sealed class UpstreamCliOptions
{
    public Option<string> Url { get; } = new("--url")
    {
        Description = "The remote MCP server's Streamable HTTP endpoint (https://…; http:// only for loopback). Instead of -- COMMAND.",
    };

    public Option<string[]> Header { get; } = new("--header")
    {
        Description = "A header of the guard's own for the remote server, 'NAME: VALUE'; ${VAR} is read from the guard's environment. Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string> Timeout { get; } = new("--upstream-timeout")
    {
        Description = "How long the remote server may take to start an answer, or stay silent within one (e.g. 60s, 5m).",
        DefaultValueFactory = _ => "60s",
    };

    public Option<FileInfo> Ca { get; } = new("--ca")
    {
        Description = "A PEM file of CA certificates to trust besides the system's (verification is never switched off).",
    };

    public IEnumerable<Option> All => [Url, Header, Timeout, Ca];

    /// <summary>
    /// Which server the guard fronts: the child after <c>--</c>, or the remote one of <c>--url</c> — exactly one of them.
    /// The server's upstream options (null for a child), or <see cref="ServerGiven.Invalid"/> after writing one line.
    /// </summary>
    public async Task<ServerGiven> ReadServerAsync(ParseResult parseResult, string[] commandLine, TextWriter error)
    {
        var isRemote = parseResult.GetValue(Url) is not null;
        if (isRemote == commandLine.Length > 0)
        {
            await error.WriteLineAsync("mcpguard: give the server either as -- COMMAND [ARGS...] or as --url URL.");
            return ServerGiven.Invalid;
        }

        if (!isRemote)
        {
            return new ServerGiven(Valid: true, Upstream: null);
        }

        return await ReadAsync(parseResult, error, Environment.GetEnvironmentVariable) is { } upstream
            ? new ServerGiven(Valid: true, upstream)
            : ServerGiven.Invalid;
    }

    /// <summary>The upstream options, or null after writing one line saying what is wrong.</summary>
    public async Task<UpstreamOptions?> ReadAsync(ParseResult parseResult, TextWriter error, Func<string, string?> environment)
    {
        if (!Uri.TryCreate(parseResult.GetValue(Url), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo))
        {
            await error.WriteLineAsync("mcpguard: --url must be an absolute http(s) URL without user info.");
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

        var headers = new List<UpstreamHeader>();
        foreach (var option in parseResult.GetValue(Header) ?? [])
        {
            switch (HeaderOption.Parse(option, environment))
            {
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

        var options = new UpstreamOptions { Endpoint = url, Headers = headers, Timeout = timeout, CaFile = ca?.FullName };

        // The token of `mcpguard login` for this URL, unless a --header already gives the guard's Authorization.
        var store = TokenStore.Default;
        if (headers.Any(h => h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) || store.Find(url) is not { } login)
        {
            return options;
        }

        // Lives as long as the guard: refreshes go through it.
        var http = UpstreamHttp.CreateClient(options);
        return options with { Credential = new StoredCredential(login, store, http, TimeProvider.System) };
    }
}
