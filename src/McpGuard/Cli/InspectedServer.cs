using McpGuard.Inventory;

namespace McpGuard.Cli;

/// <summary>
/// A server to list: how messages name it (<paramref name="Shown"/>: the command line, or the URL without its query),
/// how to reach it, the URL when it is remote, and whether a failure to list it prints the exception (--verbose).
/// </summary>
internal sealed record InspectedServer(
    IReadOnlyList<string> Shown, ServerConnector Connector, string? Remote, bool Verbose)
{
    /// <summary>Starts the server or connects to it, and lists its tools (<see cref="ServerInspection"/>).</summary>
    public Task<ServerListing> ListAsync(TextWriter error, CancellationToken cancellationToken) =>
        ServerInspection.ListAsync(Shown, Connector, Verbose, error, cancellationToken);

    /// <summary>The <c>mcpguard pin</c> line for this policy and this server, for hints.</summary>
    public string PinCommand(string policyPath) =>
        Remote is { } url ? PinHint.Remote(policyPath, url) : PinHint.Command(policyPath, Shown);
}
