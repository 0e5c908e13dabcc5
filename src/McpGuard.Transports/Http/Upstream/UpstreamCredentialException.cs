namespace McpGuard.Http.Upstream;

/// <summary>The guard has no token it can use for the upstream; the message says what to do.</summary>
internal sealed class UpstreamCredentialException(string message) : Exception(message);
