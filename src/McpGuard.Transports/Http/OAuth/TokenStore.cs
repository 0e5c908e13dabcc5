using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpGuard.Home;

namespace McpGuard.Http.OAuth;

/// <summary>
/// Tokens of <c>mcpguard login</c>, one file per issuer under <c>$MCPGUARD_HOME/tokens/</c>, mode 0600 in a 0700
/// folder, written whole to a temporary file and renamed over the old one (a reader never sees half a file).
/// </summary>
internal sealed class TokenStore(string directory)
{
    private static readonly object s_writing = new();

    public static TokenStore Default => new(Path.Combine(McpGuardHome.Path, "tokens"));

    public string Directory { get; } = directory;

    public string FileOf(string issuer) =>
        Path.Combine(
            Directory,
            "issuer-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issuer)))[..16] + ".json");

    public StoredLogin? Find(Uri url)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return null;
        }

        var key = StoredLogin.KeyOf(url);
        return System.IO.Directory.EnumerateFiles(Directory, "issuer-*.json")
            .SelectMany(Read)
            .FirstOrDefault(login => login.Url == key);
    }

    /// <summary>
    /// Saves a login, replacing the earlier one for the same URL, at this issuer or another: a server that moved to
    /// another authorization server must not go on getting the old issuer's token (<see cref="Find"/> takes any file).
    /// </summary>
    public void Save(StoredLogin login)
    {
        lock (s_writing)
        {
            var file = FileOf(login.Issuer);
            Write(file, [.. Read(file).Where(l => l.Url != login.Url).Append(login)]);
            foreach (var other in System.IO.Directory.GetFiles(Directory, "issuer-*.json"))
            {
                var logins = Read(other);
                if (other != file && logins.Any(l => l.Url == login.Url))
                {
                    Write(other, [.. logins.Where(l => l.Url != login.Url)]);
                }
            }
        }
    }

    private static void Write(string file, List<StoredLogin> logins)
    {
        McpGuardHome.EnsureDirectoryOf(file);
        var temporary = file + "." + Guid.NewGuid().ToString("n") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Serialize(logins));
        }

        File.Move(temporary, file, overwrite: true);
    }

    private static IEnumerable<StoredLogin> Read(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            var logins = document.RootElement.GetProperty("logins").EnumerateArray();
            return [.. logins.Select(ReadLogin).OfType<StoredLogin>()];
        }
        catch (Exception ex)
            when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            // A damaged file holds no usable login: the guard then says to sign in again.
            return [];
        }
    }

    private static StoredLogin? ReadLogin(JsonElement element)
    {
        var tokenEndpoint = OAuthJson.Url(element, "token_endpoint");
        if (OAuthJson.String(element, "url") is not { } url || OAuthJson.String(element, "issuer") is not { } issuer
            || OAuthJson.String(element, "client_id") is not { } clientId || tokenEndpoint is null
            || OAuthJson.String(element, "resource") is not { } resource
            || OAuthJson.String(element, "access_token") is not { } accessToken
            || !OAuthJson.IsUsableToken(accessToken))
        {
            return null;
        }

        return new StoredLogin
        {
            Url = url,
            Issuer = issuer,
            ClientId = clientId,
            TokenEndpoint = tokenEndpoint,
            Resource = resource,
            AccessToken = accessToken,
            RefreshToken = OAuthJson.String(element, "refresh_token"),
            ExpiresAt = OAuthJson.Number(element, "expires_at") is { } seconds
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null,
        };
    }

    private static byte[] Serialize(IEnumerable<StoredLogin> logins)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("logins");
            foreach (var login in logins)
            {
                writer.WriteStartObject();
                writer.WriteString("url", login.Url);
                writer.WriteString("issuer", login.Issuer);
                writer.WriteString("client_id", login.ClientId);
                writer.WriteString("token_endpoint", login.TokenEndpoint.ToString());
                writer.WriteString("resource", login.Resource);
                writer.WriteString("access_token", login.AccessToken);
                if (login.RefreshToken is { } refresh)
                {
                    writer.WriteString("refresh_token", refresh);
                }

                if (login.ExpiresAt is { } expires)
                {
                    writer.WriteNumber("expires_at", expires.ToUnixTimeSeconds());
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
