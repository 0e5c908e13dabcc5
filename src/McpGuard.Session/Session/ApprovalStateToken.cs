using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Json;

namespace McpGuard.Session;

/// <summary>
/// The <c>requestState</c> the guard puts on its own <c>input_required</c> approval question (2026-07-28 era):
/// <c>mcpguard.v1.PAYLOAD.MAC</c>, where PAYLOAD is base64url JSON of the tool, the SHA-256 of the canonical
/// arguments, the deadline, the logical call id and the agent that asked, and MAC is HMAC-SHA256 over PAYLOAD with a
/// key that exists only in this process. The client holds the state; only this guard can have made it, and only until
/// the deadline.
/// </summary>
internal sealed class ApprovalStateToken(byte[] key)
{
    public const string Prefix = "mcpguard.v1.";

    /// <summary>A fresh random key: a state minted by one run of the guard is worthless to any other.</summary>
    public static ApprovalStateToken CreateForProcess() => new(KernelRandom.GetBytes(32));

    /// <summary>True for a state that claims to be the guard's (whether or not it verifies).</summary>
    public static bool LooksLikeOurs(string state) => state.StartsWith(Prefix, StringComparison.Ordinal);

    public string Mint(ApprovalClaims claims)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("t"u8, claims.ToolName);
            writer.WriteString("a"u8, claims.ArgumentsHash);
            writer.WriteNumber("d"u8, claims.Deadline.ToUnixTimeMilliseconds());
            writer.WriteString("c"u8, claims.CallId);
            if (claims.Agent is { } agent)
            {
                writer.WriteString("g"u8, agent);
            }

            writer.WriteEndObject();
        }

        var payload = Base64Url.EncodeToString(buffer.WrittenSpan);
        return Prefix + payload + "." + Base64Url.EncodeToString(Mac(payload));
    }

    public ApprovalStateReading Read(string state, DateTimeOffset now)
    {
        var parts = state.StartsWith(Prefix, StringComparison.Ordinal) ? state[Prefix.Length..].Split('.') : [];
        if (parts.Length != 2
            || !TryDecode(parts[1], out var mac)
            || !CryptographicOperations.FixedTimeEquals(mac, Mac(parts[0])))
        {
            return new ApprovalStateReading.Forged();
        }

        // The MAC holds, so the payload is ours and well formed; a failure to read it would be a bug.
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        var root = payload.RootElement;
        var claims = new ApprovalClaims(
            root.GetProperty("t"u8).GetString()!,
            root.GetProperty("a"u8).GetString()!,
            DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("d"u8).GetInt64()),
            root.GetProperty("c"u8).GetString()!,
            root.TryGetProperty("g"u8, out var agent) ? agent.GetString() : null);
        return now > claims.Deadline ? new ApprovalStateReading.Expired() : new ApprovalStateReading.Valid(claims);
    }

    /// <summary>
    /// SHA-256 (hex) of the arguments' canonical JSON (docs/audit.md), so key order or spacing do not count as a
    /// change.
    /// </summary>
    public static string HashArguments(JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return Convert.ToHexStringLower(SHA256.HashData("{}"u8));
        }

        // RFC 8785 (McpGuard.Policy.Json.CanonicalJson); arguments with no such form are hashed as written, which only
        // the same bytes match.
        var bytes = CanonicalJson.TryEncode(arguments, out var canonical, out _)
            ? canonical
            : Encoding.UTF8.GetBytes(arguments.GetRawText());
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private byte[] Mac(string payload) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload));

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
