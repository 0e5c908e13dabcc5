namespace McpGuard.Http.OAuth;

/// <summary>What <c>login</c> needs of a server's RFC 9728 protected resource metadata.</summary>
internal sealed record ProtectedResource(
    string Resource, IReadOnlyList<string> AuthorizationServers, IReadOnlyList<string> Scopes);
