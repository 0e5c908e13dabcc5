using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A throwaway CA made in the test and a server certificate it signed for 127.0.0.1 and localhost, as PEM files in
/// a folder of their own: the CA no trust store knows, so only <c>--ca</c> can make the server trusted.
/// </summary>
internal sealed record TestCertificates(string CaPath, string CertificatePath, string KeyPath)
{
    public static TestCertificates Create()
    {
        var folder = Directory.CreateTempSubdirectory("mcpguard-tls-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=McpGuard test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var serverAuth = new Oid("1.3.6.1.5.5.7.3.1");
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([serverAuth], false));
        using var server = serverRequest.Create(
            ca, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(16));

        var certificates = new TestCertificates(
            Path.Combine(folder, "ca.pem"), Path.Combine(folder, "server.pem"), Path.Combine(folder, "server-key.pem"));
        File.WriteAllText(certificates.CaPath, ca.ExportCertificatePem());
        File.WriteAllText(certificates.CertificatePath, server.ExportCertificatePem());
        File.WriteAllText(certificates.KeyPath, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }
}
