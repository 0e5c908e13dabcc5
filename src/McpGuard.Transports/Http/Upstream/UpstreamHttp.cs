using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The one pooled connection handler a guard uses for its upstream. TLS verification is never switched off:
/// the system's trust store decides, and <c>--ca</c> only adds roots (a wrong host name still fails). Redirects are
/// not followed (the guard's credential must not travel to another URL) and cookies are not kept.
/// </summary>
internal static class UpstreamHttp
{
    /// <summary>
    /// For the relay's requests: the handler alone, without <see cref="HttpClient"/>'s per-request work (a linked
    /// cancellation source per request, its own timeout and content buffering checks: ~9,000 instructions of a
    /// `run --url` call's ~195,000, callgrind). Every request has its own timeout (<c>--upstream-timeout</c>), and the
    /// handler returns once the headers arrived, the body unread, as HttpClient's ResponseHeadersRead did.
    /// </summary>
    public static HttpMessageInvoker CreateInvoker(UpstreamOptions options) => new(CreateHandler(options));

    /// <summary>For login and token refreshes, which use HttpClient's conveniences and are rare.</summary>
    public static HttpClient CreateClient(UpstreamOptions options) =>
        new(CreateHandler(options)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private static SocketsHttpHandler CreateHandler(UpstreamOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = 64,

            // What docs/remote.md lists is all that is sent: no trace headers of .NET's own (a traceparent of the
            // guard's spans), and no diagnostics handler looking for an activity on every request.
            ActivityHeadersPropagator = null,
        };
        var roots = options.CaFile is { } caFile
            ? ReadRoots(caFile) ?? throw new InvalidDataException($"{caFile} holds no PEM certificate.")
            : null;
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            // The guard's own check even without --ca, so that a refusal says why in words (docs/remote.md#tls): a
            // refusal thrown here reaches the request's failure, where a false would leave only .NET's wording.
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                Refusal(roots, options.CaFile, ((SslStream)sender).TargetHostName, certificate, chain, errors)
                    is { } why ? throw new UpstreamCertificateException(why) : true,
        };
        return handler;
    }

    /// <summary>
    /// Why <c>--ca</c> cannot be used (checked with the other options, so it is one line, not an exception), or null.
    /// </summary>
    public static string? CaProblem(string caFile) =>
        ReadRoots(caFile) is null ? $"--ca: {caFile} holds no PEM certificate." : null;

    /// <summary>The certificates in a PEM file; null when it holds none or cannot be read as PEM.</summary>
    private static X509Certificate2Collection? ReadRoots(string caFile)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }

        return roots.Count == 0 ? null : roots;
    }

    /// <summary>
    /// Why the upstream's certificate is not trusted, in words, or null when it is: the system's verdict, or, when
    /// only the chain failed and <c>--ca</c> gave <paramref name="roots"/>, the chain built again to them.
    /// </summary>
    internal static string? Refusal(
        X509Certificate2Collection? roots,
        string? caFile,
        string host,
        X509Certificate? certificate,
        X509Chain? chain,
        SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "it sent no certificate";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"its certificate is not for {host}";
        }

        var statuses = chain?.ChainStatus.Select(s => s.Status).ToList() ?? [];
        if (roots is not null)
        {
            using var custom = CustomChain(roots, chain);
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (custom.Build(leaf))
            {
                return null;
            }

            statuses.AddRange(custom.ChainStatus.Select(s => s.Status));
        }

        return statuses.Contains(X509ChainStatusFlags.NotTimeValid) ? "its certificate has expired or is not valid yet"
            : statuses.Contains(X509ChainStatusFlags.Revoked) ? "its certificate was revoked"
            : caFile is null ? "its certificate is not signed by a CA the system trusts (a private CA: --ca FILE)"
            : $"its certificate is not signed by a CA the system or --ca {caFile} trusts";
    }

    /// <summary>A chain to the added roots alone, with the intermediates the server sent.</summary>
    private static X509Chain CustomChain(X509Certificate2Collection roots, X509Chain? sent)
    {
        var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // server auth
        custom.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        if (sent is not null)
        {
            foreach (var element in sent.ChainElements.Skip(1))
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom;
    }
}
