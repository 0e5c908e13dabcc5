using System.Security.Cryptography;
using System.Text;
using McpGuard.Home;

namespace McpGuard.Desk;

/// <summary>
/// Where the desk and the guards meet: <c>~/.mcpguard</c> (or <c>MCPGUARD_HOME</c>) holds the per-user secret
/// (mode 0600, created by the first desk) and the port the desk listens on. A secret file that
/// other users could read is refused rather than used.
/// </summary>
internal static class DeskFiles
{
    public const int DefaultPort = 47100;
    /// <summary>
    /// The header of a guard's requests: <see cref="GuardKey"/>, never the secret itself, which a program holding
    /// the port while no desk runs would otherwise read and then sign "approved" answers with.
    /// </summary>
    public const string GuardKeyHeader = "X-McpGuard-Guard-Key";
    private const UnixFileMode UserOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string Home => McpGuardHome.Path;

    public static string SecretPath => Path.Combine(Home, "desk.secret");

    public static string PortPath => Path.Combine(Home, "desk.port");

    /// <summary>
    /// The desk's secret, creating it (readable by this user only) on the first start; <paramref name="created"/>
    /// says this call wrote it, so a desk that then cannot listen takes it back (<see cref="ForgetSecret"/>).
    /// </summary>
    public static string ReadOrCreateSecret(out bool created)
    {
        created = false;
        EnsureHome();
        if (TryRead(SecretPath) is { Length: > 0 } existing)
        {
            CheckUserOnly(SecretPath);
            return existing;
        }

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var temp = SecretPath + "." + Guid.NewGuid().ToString("n");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UserOnly;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(secret);
        }

        try
        {
            // Never overwrite: if another process won the race, everyone uses its secret.
            File.Move(temp, SecretPath, overwrite: false);
            created = true;
            return secret;
        }
        catch (IOException)
        {
            File.Delete(temp);
            return TryRead(SecretPath) ?? throw new IOException($"Cannot read {SecretPath}.");
        }
    }

    /// <summary>
    /// What the desk sends with an answer to show it knows the secret: HMAC-SHA256 of <c>id:state</c>. Without
    /// it, any program that got the port first could approve calls.
    /// </summary>
    public static string Proof(string secret, string id, string state) =>
        Convert.ToHexString(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{id}:{state}")));

    /// <summary>
    /// The key in the desk's address (<c>/?key=…</c>), derived from the per-user secret: only someone who can
    /// read the secret file (this user) can open the page, so other local users cannot approve calls.
    /// </summary>
    public static string PageKey(string secret) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "mcpguard desk page"u8))
            .ToLowerInvariant();

    /// <summary>
    /// What a guard sends to show it is this user's: derived from the secret, so a desk can check it, but neither the
    /// secret nor the page key nor any proof can be computed from it.
    /// </summary>
    public static string GuardKey(string secret) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "mcpguard desk guard"u8))
            .ToLowerInvariant();

    public static bool IsProof(string? proof, string secret, string id, string state) =>
        proof is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(proof), Encoding.UTF8.GetBytes(Proof(secret, id, state)));

    /// <summary>
    /// The secret for a guard, or null if no desk has ever created one (then no desk can be running, and the
    /// guard leaves the user's home alone).
    /// </summary>
    public static string? TryReadSecret()
    {
        if (TryRead(SecretPath) is not { Length: > 0 } secret)
        {
            return null;
        }

        CheckUserOnly(SecretPath);
        return secret;
    }

    /// <summary>
    /// Removes the secret a desk that never served wrote: while it exists, guards take a desk to be set up and ask
    /// whatever answers on the desk's port (docs/approval.md#desk).
    /// </summary>
    public static void ForgetSecret(string secret)
    {
        if (TryRead(SecretPath) == secret)
        {
            File.Delete(SecretPath);
        }
    }

    /// <summary>The port a desk last announced, else the default.</summary>
    public static int ReadPort() =>
        int.TryParse(TryRead(PortPath), out var port) && port is > 0 and < 65536 ? port : DefaultPort;

    public static void WritePort(int port)
    {
        EnsureHome();
        File.WriteAllText(PortPath, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void EnsureHome() => McpGuardHome.Ensure();

    private static void CheckUserOnly(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UserOnly | UnixFileMode.UserExecute)) != 0)
        {
            throw new IOException($"{path} can be read by other users; run: chmod 600 {path}");
        }
    }

    private static string? TryRead(string path)
    {
        // Most guards run with no desk set up: asked first, as a thrown and caught FileNotFoundException cost about
        // 1 ms of a native guard's start (bench/HISTORY.md, twenty-first session). The catch stays for a file removed
        // in between.
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
