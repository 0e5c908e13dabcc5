using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using McpGuard.Http.Upstream;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Http;

/// <summary>
/// A TLS failure toward the upstream is said in words that name what failed (docs/remote.md#tls), not in .NET's
/// ("…rejected by the provided RemoteCertificateValidationCallback", "…errors in the certificate chain: PartialChain").
/// Each case is a real handshake with a server on loopback whose certificate a CA made here signed.
/// </summary>
public sealed class UpstreamTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcpguard-tls-unit-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CaNotGiven_PrivateCa_SaysNoTrustedCaSignedIt()
    {
        var why = await FailureAsync(ServerCertificate(NewCa(), "127.0.0.1"), caFile: null);

        Assert.Equal(
            "TLS failed: its certificate is not signed by a CA the system trusts (a private CA: --ca FILE)", why);
    }

    [Fact]
    public async Task CaOfAnotherSigner_SaysNeitherTheSystemNorTheFileTrustsIt()
    {
        var caFile = CaFile(NewCa());

        var why = await FailureAsync(ServerCertificate(NewCa(), "127.0.0.1"), caFile);

        Assert.Equal($"TLS failed: its certificate is not signed by a CA the system or --ca {caFile} trusts", why);
    }

    [Fact]
    public async Task CaThatSignedIt_CertificateForAnotherHost_SaysWhichHostItIsNotFor()
    {
        var ca = NewCa();

        var why = await FailureAsync(ServerCertificate(ca, "other.example"), CaFile(ca));

        Assert.Equal("TLS failed: its certificate is not for 127.0.0.1", why);
    }

    [Fact]
    public async Task CaThatSignedIt_Expired_SaysSo()
    {
        var ca = NewCa();

        var why = await FailureAsync(ServerCertificate(ca, "127.0.0.1", expired: true), CaFile(ca));

        Assert.Equal("TLS failed: its certificate has expired or is not valid yet", why);
    }

    [Fact]
    public async Task NotTls_SaysTheHandshakeDidNotComplete()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var served = Task.Run(
            async () =>
            {
                using var client = await listener.AcceptTcpClientAsync(Ct);
                var answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
                await client.GetStream().WriteAsync(answer, Ct);
            },
            Ct);

        var why = await SendAsync(listener, caFile: null);
        await served.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.StartsWith("TLS failed: the TLS handshake did not complete", why, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<string> FailureAsync(X509Certificate2 certificate, string? caFile)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var served = Task.Run(
            async () =>
            {
                using var client = await listener.AcceptTcpClientAsync(Ct);
                await using var tls = new SslStream(client.GetStream());
                try
                {
                    await tls.AuthenticateAsServerAsync(certificate);
                }
                catch (Exception e) when (e is AuthenticationException or IOException)
                {
                    // The guard refused the certificate and closed the connection: what is being tested.
                }
            },
            Ct);

        var why = await SendAsync(listener, caFile);
        await served.WaitAsync(TestConstants.DefaultTimeout, Ct);
        return why;
    }

    private static async Task<string> SendAsync(TcpListener listener, string? caFile)
    {
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = UpstreamHttp.CreateInvoker(new UpstreamOptions
        {
            Endpoint = new Uri($"https://127.0.0.1:{port}/mcp"),
            CaFile = caFile,
        });
        using var request = new HttpRequestMessage(HttpMethod.Head, $"https://127.0.0.1:{port}/mcp");
        var failure = await Assert.ThrowsAsync<HttpRequestException>(
            () => http.SendAsync(request, Ct).WaitAsync(TestConstants.DefaultTimeout, Ct));
        return UpstreamFailure.Describe(failure);
    }

    private static X509Certificate2 NewCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=McpGuard unit test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-30), now.AddDays(1));
    }

    private static X509Certificate2 ServerCertificate(X509Certificate2 ca, string host, bool expired = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        var (from, until) = expired ? (now.AddDays(-20), now.AddDays(-10)) : (now.AddMinutes(-5), now.AddHours(12));
        using var signed = request.Create(ca, from, until, RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(key);

        // Through PKCS#12, so the key is one SslStream on Linux can use as a server's.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private string CaFile(X509Certificate2 ca)
    {
        var path = Path.Combine(_folder, $"ca-{Guid.NewGuid():n}.pem");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }
}
