namespace McpGuard.Http.OAuth;

/// <summary>What <c>login</c> needs of an authorization server's RFC 8414 metadata.</summary>
internal sealed record AuthorizationServer(
    string Issuer,
    Uri AuthorizationEndpoint,
    Uri TokenEndpoint,
    Uri? RegistrationEndpoint,
    bool SupportsS256,
    bool SupportsClientIdMetadataDocuments,
    bool AnnouncesIssuerInRedirect);
