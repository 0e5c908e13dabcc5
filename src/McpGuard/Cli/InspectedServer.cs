using McpGuard.Inventory;

namespace McpGuard.Cli;

/// <summary>
/// A server to list: how messages name it (<paramref name="Shown"/>: the command line, or the URL without its query),
/// how to reach it, and the URL when it is remote.
/// </summary>
internal sealed record InspectedServer(IReadOnlyList<string> Shown, ServerConnector Connector, string? Remote)
{
    /// <summary>The <c>mcpguard pin</c> line for this policy and this server, for hints.</summary>
    public string PinCommand(string policyPath) =>
        Remote is { } url ? PinHint.Remote(policyPath, url) : PinHint.Command(policyPath, Shown);
}
