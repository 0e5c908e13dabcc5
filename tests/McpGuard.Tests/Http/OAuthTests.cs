using McpGuard.Http.OAuth;

namespace McpGuard.Tests.Http;

public sealed class OAuthTests
{
    [Fact]
    public void Pkce_Rfc7636AppendixB_Challenge()
    {
        Assert.Equal(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            Pkce.FromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").Challenge);
        Assert.NotEqual(Pkce.Create().Verifier, Pkce.Create().Verifier);
    }

    [Fact]
    public void TokenStore_SaveAndFind_PerIssuerFileUserOnlyAndReplacedPerUrl()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("mcpguard-tokens-").FullName, "tokens");
        var store = new TokenStore(directory);
        var login = new StoredLogin
        {
            Url = "https://mcp.example.com/mcp",
            Issuer = "https://auth.example.com",
            ClientId = "c1",
            TokenEndpoint = new Uri("https://auth.example.com/token"),
            Resource = "https://mcp.example.com/mcp",
            AccessToken = "at-1",
            RefreshToken = "rt-1",
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(2_000_000_000),
        };

        store.Save(login);
        store.Save(login with { AccessToken = "at-2" });
        store.Save(login with { Url = "https://other.example.com/mcp", AccessToken = "at-3" });

        Assert.Equal(login with { AccessToken = "at-2" }, store.Find(new Uri("https://mcp.example.com/mcp#x")));
        Assert.Equal("at-3", store.Find(new Uri("https://other.example.com/mcp"))!.AccessToken);
        Assert.Null(store.Find(new Uri("https://mcp.example.com/other")));
        var file = Assert.Single(Directory.GetFiles(directory));
        Assert.Equal(store.FileOf(login.Issuer), file);
        Assert.DoesNotContain("at-1", login.ToString(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    /// <summary>
    /// A second login after the server moved to another authorization server: the guard finds the new issuer's token,
    /// never the old one (Find reads every issuer's file, in whatever order the directory lists them).
    /// </summary>
    [Fact]
    public void TokenStore_LoginAtANewIssuer_ReplacesTheOldIssuersLoginForThatUrl()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("mcpguard-tokens-").FullName, "tokens");
        var store = new TokenStore(directory);
        var old = new StoredLogin
        {
            Url = "https://mcp.example.com/mcp",
            Issuer = "https://old-auth.example.com",
            ClientId = "c1",
            TokenEndpoint = new Uri("https://old-auth.example.com/token"),
            Resource = "https://mcp.example.com/mcp",
            AccessToken = "at-old",
        };
        store.Save(old);
        store.Save(old with { Url = "https://other.example.com/mcp", AccessToken = "at-other" });

        for (var issuer = 0; issuer < 8; issuer++)
        {
            var renewed = old with
            {
                Issuer = $"https://auth-{issuer}.example.com",
                TokenEndpoint = new Uri($"https://auth-{issuer}.example.com/token"),
                AccessToken = $"at-{issuer}",
            };
            store.Save(renewed);

            Assert.Equal(renewed, store.Find(new Uri(old.Url)));
        }

        Assert.Equal("at-other", store.Find(new Uri("https://other.example.com/mcp"))!.AccessToken);
    }
}
