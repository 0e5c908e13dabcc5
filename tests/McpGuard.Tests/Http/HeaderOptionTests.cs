using McpGuard.Http.Upstream;

namespace McpGuard.Tests.Http;

public sealed class HeaderOptionTests
{
    private static readonly Dictionary<string, string> s_environment = new() { ["TOKEN"] = "abc", ["EMPTY"] = "" };

    [Theory]
    [InlineData("Authorization: Bearer ${TOKEN}", "Authorization", "Bearer abc")]
    [InlineData("X-Key:${TOKEN}${TOKEN}", "X-Key", "abcabc")]
    [InlineData("X-Key: $TOKEN and $ {TOKEN}", "X-Key", "$TOKEN and $ {TOKEN}")]
    [InlineData("  X-Key  :  v9  ", "X-Key", "v9")]
    public void Parse_Valid_ExpandsFromTheEnvironment(string option, string name, string value)
    {
        var parsed = Assert.IsType<HeaderOptionOutcome.Parsed>(
            HeaderOption.Parse(option, s_environment.GetValueOrDefault));

        Assert.Equal(name, parsed.Header.Name);
        Assert.Equal(value, parsed.Header.Value);
        Assert.DoesNotContain(value.Length > 0 ? value : "\0", parsed.Header.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no colon", "NAME: VALUE")]
    [InlineData(": value", "NAME: VALUE")]
    [InlineData("Bad Name: v", "not a valid HTTP header name")]
    [InlineData("Mcp-Session-Id: x", "sets this header itself")]
    [InlineData("mcp-method: x", "sets this header itself")]
    [InlineData("Upgrade: websocket", "about the connection")]
    [InlineData("expect: 100-continue", "about the connection")]
    [InlineData("X-Key: ${MISSING}", "MISSING is not set")]
    [InlineData("X-Key: caf\u00e9", "non-ASCII")]
    [InlineData("X-Key:", "X-Key: the value is empty")]
    [InlineData("X-Key:   ", "X-Key: the value is empty")]
    [InlineData("X-Key: ${EMPTY}", "EMPTY is empty")] // an env entry left blank: never an empty credential
    [InlineData("X-Key: Bearer ${EMPTY}", "EMPTY is empty")]
    [InlineData("X-Key: ${TOKEN", "starts no ${NAME} reference")]
    [InlineData("X-Key: ${MY-TOKEN}", "starts no ${NAME} reference")]
    [InlineData("X-Key: ${}", "starts no ${NAME} reference")]
    public void Parse_Invalid_UsageErrorWithoutTheValue(string option, string expected)
    {
        var invalid = Assert.IsType<HeaderOptionOutcome.Invalid>(
            HeaderOption.Parse(option, s_environment.GetValueOrDefault));

        Assert.Contains(expected, invalid.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", invalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExpandedValueWithLineBreak_Refused()
    {
        var outcome = HeaderOption.Parse("X-Key: ${T}", name => name == "T" ? "a\r\nInjected: yes" : null);

        Assert.IsType<HeaderOptionOutcome.Invalid>(outcome);
    }

    [Theory]
    [InlineData("Authorization=TOKEN", "Authorization", "abc")]
    [InlineData(" X-Key = TOKEN ", "X-Key", "abc")]
    public void ParseFromEnvironment_TakesTheWholeValueAsItIs(string option, string name, string value)
    {
        var parsed = Assert.IsType<HeaderOptionOutcome.Parsed>(
            HeaderOption.ParseFromEnvironment(option, s_environment.GetValueOrDefault));

        Assert.Equal(name, parsed.Header.Name);
        Assert.Equal(value, parsed.Header.Value);
    }

    [Fact]
    public void ParseFromEnvironment_ValueIsNotExpandedAgain()
    {
        var parsed = Assert.IsType<HeaderOptionOutcome.Parsed>(
            HeaderOption.ParseFromEnvironment("X-Key=V", name => name == "V" ? "${TOKEN}" : "abc"));

        Assert.Equal("${TOKEN}", parsed.Header.Value);
    }

    [Theory]
    [InlineData("Authorization", "NAME=VARIABLE")]
    [InlineData("=TOKEN", "NAME=VARIABLE")]
    [InlineData("X-Key=${TOKEN}", "NAME=VARIABLE")]
    [InlineData("Bad Name=TOKEN", "not a valid HTTP header name")]
    [InlineData("Mcp-Session-Id=TOKEN", "sets this header itself")]
    [InlineData("X-Key=MISSING", "MISSING is not set")]
    [InlineData("X-Key=EMPTY", "EMPTY is empty")]
    public void ParseFromEnvironment_Invalid_UsageErrorWithoutTheValue(string option, string expected)
    {
        var invalid = Assert.IsType<HeaderOptionOutcome.Invalid>(
            HeaderOption.ParseFromEnvironment(option, s_environment.GetValueOrDefault));

        Assert.Contains(expected, invalid.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", invalid.Reason, StringComparison.Ordinal);
    }
}
