namespace McpGuard.Http.Upstream;

/// <summary>
/// The guard's own OAuth access token for the upstream (from <c>mcpguard login</c>), refreshed as needed.
/// </summary>
internal interface IUpstreamCredential
{
    /// <summary>A bearer token that is valid now.</summary>
    /// <exception cref="UpstreamCredentialException">No usable token: the message says to run <c>mcpguard
    /// login</c>.</exception>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);
}
