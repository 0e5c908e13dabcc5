using System.Security.Authentication;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The upstream's certificate was refused, with why in words for the request's error (docs/remote.md#tls): the
/// guard's own check throws it from the TLS handshake, which .NET passes on inside the request's failure.
/// </summary>
internal sealed class UpstreamCertificateException(string reason) : AuthenticationException(reason);
