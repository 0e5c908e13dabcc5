namespace McpGuard.Http.Upstream;

/// <summary>How the guard reaches a remote MCP server (<c>--url</c>; docs/remote.md).</summary>
internal sealed record UpstreamOptions
{
    public required Uri Endpoint { get; init; }

    /// <summary>The guard's own headers, sent on every request; the client's are never forwarded.</summary>
    public IReadOnlyList<UpstreamHeader> Headers { get; init; } = [];

    /// <summary>How long the upstream may take to start answering, and then stay silent within an answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A PEM file of CA certificates trusted besides the system's (<c>--ca</c>).</summary>
    public string? CaFile { get; init; }

    public long MaxMessageBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>The token of <c>mcpguard login</c>, when the guard signed in to this upstream.</summary>
    public IUpstreamCredential? Credential { get; init; }

    /// <summary>
    /// What the upstream's tools/list said about <c>Mcp-Param-*</c> headers; shared by every session.
    /// </summary>
    public ParamHeaderDeclarations ParamHeaders { get; } = new();

    /// <summary>
    /// The upstream as errors and logs name it: scheme, host, port and path; never user info or query.
    /// </summary>
    public string DisplayName => Endpoint.GetLeftPart(UriPartial.Path);
}
