using System.Buffers;
using System.Text;
using McpGuard.Audit;
using McpGuard.Policy.Json;
using McpGuard.Policy.Settings;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Audit.AuditTestRecords;

namespace McpGuard.Tests.Audit;

public sealed class AuditArgumentsTests
{
    private static readonly string s_arguments = """
        {"symbol":"BTCUSDT","apiKey":"k1","nested":{"Client_Secret":"s1","inner":{"SESSION_TOKEN":{"deep":"t1"}},
        "list":[{"password":"p1","keep":1},[{"signature":"g1"}]]},"qty":"0.01","passphrase":null}
        """.ReplaceLineEndings("");

    [Fact]
    public void Redact_SecretKeysAtAnyDepthAndInArrays_Replaced()
    {
        var written = WriteOne(AuditArgumentsMode.Redact, s_arguments);

        Assert.Equal(
            """{"symbol":"BTCUSDT","apiKey":"[redacted]","nested":{"Client_Secret":"[redacted]","inner":"""
                + """{"SESSION_TOKEN":"[redacted]"},"list":[{"password":"[redacted]","keep":1}"""
                + """,[{"signature":"[redacted]"}]]},"qty":"0.01","passphrase":"[redacted]"}""",
            written.GetProperty("arguments").GetRawText());
    }

    [Theory]
    [InlineData("api_key", true)]
    [InlineData("X-API-KEY", true)]
    [InlineData("refreshToken", true)]
    [InlineData("db_PASSWORD", true)]
    [InlineData("wallet_passphrase", true)]
    [InlineData("signature", true)]
    [InlineData("authorization", true)]
    [InlineData("symbol", false)]
    [InlineData("qty", false)]
    [InlineData("orderId", false)]
    public void LooksSecret_MatchesCaseInsensitiveSubstrings(string name, bool expected)
        => Assert.Equal(expected, AuditArguments.LooksSecret(name));

    [Fact]
    public void Full_ArgumentsWrittenAsGiven()
    {
        var written = WriteOne(AuditArgumentsMode.Full, """{"b":1.50,"a":[true,null,"x"],"apiKey":"k1"}""");

        Assert.Equal("""{"b":1.50,"a":[true,null,"x"],"apiKey":"k1"}""", written.GetProperty("arguments").GetRawText());
    }

    [Fact]
    public void None_ArgumentsOmitted()
    {
        var written = WriteOne(AuditArgumentsMode.None, s_arguments);

        Assert.False(written.TryGetProperty("arguments", out _));
    }

    [Fact]
    public void AbsentArguments_OmittedInEveryMode()
    {
        foreach (var mode in Enum.GetValues<AuditArgumentsMode>())
        {
            Assert.False(WriteOne(mode, null).TryGetProperty("arguments", out _));
        }
    }

    [Fact]
    public void Hash_SameForAnyKeyOrderAndWhitespace()
    {
        var a = WriteOne(
            AuditArgumentsMode.Hash, """{"symbol":"BTCUSDT","o":{"y":[1,{"b":2,"a":1}],"x":"é"},"qty":"0.01"}""");
        var b = WriteOne(
            AuditArgumentsMode.Hash,
            """ { "qty" : "0.01", "o" : { "x" : "\u00e9", "y" : [ 1 ,"""
                + """ { "a" : 1 , "b" : 2 } ] }, "symbol" : "BTCUSDT" } """);

        Assert.Equal(a.GetProperty("arguments").GetString(), b.GetProperty("arguments").GetString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", a.GetProperty("arguments").GetString());
    }

    [Fact]
    public void Hash_DifferentValuesOrArrayOrder_Differ()
    {
        var one = AuditArguments.Hash(Json("""{"a":[1,2]}"""));

        Assert.NotEqual(one, AuditArguments.Hash(Json("""{"a":[2,1]}""")));
        Assert.NotEqual(one, AuditArguments.Hash(Json("""{"a":[1,"2"]}""")));
    }

    [Fact]
    public void CanonicalForm_MatchesDocumentedExample()
    {
        // docs/audit.md: RFC 8785, so 0.010 is written as the double it denotes, 0.01.
        Assert.True(
            CanonicalJson.TryEncode(
                Json(
                    """{ "qty": 0.010, "b": "line\nbreak \"q\" \u0001 é 😀","""
                        + """ "a": [true, false, null, {"z": 1, "Z": 2}] }"""),
                out var canonical, out _));

        Assert.Equal(
            "{\"a\":[true,false,null,{\"Z\":2,\"z\":1}],\"b\":\"line\\nbreak \\\"q\\\" \\u0001 é 😀\",\"qty\":0.01}",
            Encoding.UTF8.GetString(canonical));
        Assert.Equal(
            "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(canonical)),
            AuditArguments.Hash(
                Json("""{"qty":0.010,"a":[true,false,null,{"Z":2,"z":1}],"b":"line\nbreak \"q\" \u0001 é 😀"}""")));
    }

    private static System.Text.Json.JsonElement WriteOne(AuditArgumentsMode mode, string? arguments)
    {
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl"), mode))
        {
            Assert.True(log.TryWriteDecision(Decision(log, arguments: arguments)));
        }

        return Assert.Single(ReadLines(temp.File("audit.jsonl")));
    }
}
