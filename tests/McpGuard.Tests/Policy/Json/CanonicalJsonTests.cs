using System.Text;
using System.Text.Json;
using McpGuard.Policy.Json;

namespace McpGuard.Tests.Policy.Json;

/// <summary>
/// RFC 8785's own examples (§3.2.3 and the number table of Appendix B), and the inputs it has no form for.
/// </summary>
public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Format_Rfc8785AppendixB_MatchesEcmaScript(ulong bits, string expected)
    {
        Assert.Equal(expected, EcmaScriptNumber.Format(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Fact]
    public void TryEncode_Rfc8785Example_GivesItsCanonicalForm()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        Assert.True(CanonicalJson.TryEncode(Parse(input), out var canonical, out var problem), problem);
        Assert.Equal(
            """{"literals":[null,true,false],"numbers":[333333333.3333333,"""
                + """1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""",
            Encoding.UTF8.GetString(canonical));
    }

    [Fact]
    public void TryEncode_MembersSortedByUtf16CodeUnits_NotByCodePoints()
    {
        // RFC 8785 §3.2.3: U+FB33 sorts after U+1F600's high surrogate (0xD83D) although its code point is smaller.
        Assert.True(
            CanonicalJson.TryEncode(
                Parse("""{"\ufb33":1,"\ud83d\ude00":2,"\u0080":3,"a":4}"""), out var canonical, out _));
        Assert.Equal("{\"a\":4,\"\u0080\":3,\"😀\":2,\"\ufb33\":1}", Encoding.UTF8.GetString(canonical));
    }

    [Theory]
    [InlineData("""{"a":1e400}""", "$.a: the number 1e400 is outside the range of a double")]
    [InlineData("""{"a":[1,"\ud800"]}""", "$.a[1]: the string escapes a lone surrogate")]
    [InlineData("""{"\udc00":1}""", "$: a member name escapes a lone surrogate")]
    [InlineData("""{"b":{"a":1,"a":2}}""", "$.b: the member name 'a' is written twice")]
    public void TryEncode_NotIJson_RefusedWithThePath(string json, string expected)
    {
        Assert.False(CanonicalJson.TryEncode(Parse(json), out _, out var problem));
        Assert.Equal(expected, problem);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
