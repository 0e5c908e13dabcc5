using System.CommandLine;
using McpGuard.Http.Upstream;
using McpGuard.Inventory;

namespace McpGuard.Cli;

/// <summary>
/// The server an inspection command lists (<c>tools</c>, <c>check</c>, <c>pin</c>, <c>init</c>): a child after
/// <c>--</c>, or a remote one with <c>--url</c> and the options of <c>run --url</c>, read by the same
/// <see cref="UpstreamCliOptions"/> (headers with <c>${VAR}</c>, the <c>login</c> token, <c>--ca</c>, the timeout;
/// docs/remote.md) and listed through the guard's own upstream client (<see cref="UpstreamClientTransport"/>).
/// </summary>
internal sealed class InspectedServerOptions
{
    private readonly UpstreamCliOptions _upstream = new();
    private readonly Option<bool> _verbose = CommonOptions.Verbose();

    public Argument<string[]> Command { get; } = CommonOptions.ServerCommand(required: false);

    /// <summary>
    /// The command line after <c>--</c>, then <c>--verbose</c> and the remote server's options, after the command's
    /// own options.
    /// </summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Arguments.Add(Command);
        command.Options.Add(_verbose);
        foreach (var option in _upstream.All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Whether a server was named at all (<c>check</c> without one validates the policy alone); a remote server's
    /// options without <c>--url</c> count, so that they are refused rather than ignored.
    /// </summary>
    public bool Given(ParseResult parseResult) =>
        parseResult.GetValue(Command) is { Length: > 0 } || _upstream.IsRemote(parseResult)
        || parseResult.GetValue(_upstream.Header) is { Length: > 0 }
        || parseResult.GetValue(_upstream.HeaderEnv) is { Length: > 0 };

    /// <summary>
    /// The server, exactly one of a command line and <c>--url</c>; null after one line on <paramref name="error"/>.
    /// <paramref name="injected"/> (tests) reaches it instead of a child or the network.
    /// </summary>
    public async Task<InspectedServer?> ReadAsync(ParseResult parseResult, TextWriter error, ServerConnector? injected)
    {
        var commandLine = parseResult.GetValue(Command) ?? [];
        var server = await _upstream.ReadServerAsync(parseResult, commandLine, error);
        if (!server.Valid)
        {
            return null;
        }

        if (server.Upstream is not { } upstream)
        {
            return new InspectedServer(
                commandLine, injected ?? ServerConnector.Stdio, Remote: null, parseResult.GetValue(_verbose));
        }

        return new InspectedServer(
            [upstream.DisplayName],
            injected ?? new ServerConnector((_, loggerFactory) => new UpstreamClientTransport(upstream, loggerFactory)),
            upstream.DisplayName,
            parseResult.GetValue(_verbose));
    }
}
