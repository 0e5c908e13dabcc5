using System.Security.Cryptography;
using System.Text;

namespace McpGuard.Http.OAuth;

/// <summary>
/// A PKCE pair (RFC 7636, S256): a random verifier kept here, its SHA-256 challenge sent in the browser.
/// </summary>
internal sealed record Pkce(string Verifier, string Challenge)
{
    public static Pkce Create() => FromVerifier(Base64Url(RandomNumberGenerator.GetBytes(32)));

    public static Pkce FromVerifier(string verifier) =>
        new(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
