using System.Text;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

public sealed class InputRequiredRetryTests
{
    [Fact]
    public void WithoutGuardKeys_GuardStateAndAnswer_RemovedEverythingElseVerbatim()
    {
        using var document = JsonDocument.Parse("""
            {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"ech\u006f",
             "arguments":{"n":1.50,"s":"caf\u00e9"},
             "inputResponses":{"mcpguard/approval":{"action":"accept","content":{"approve":true}}},
             "requestState":"mcpguard.v1.a.b",
             "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}
            """);

        var stripped = Encoding.UTF8.GetString(InputRequiredRetry.WithoutGuardKeys(document.RootElement));

        Assert.Equal(
            """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"ech\u006f","arguments":"""
                + """{"n":1.50,"s":"caf\u00e9"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""",
            stripped);
    }

    [Fact]
    public void WithoutGuardKeys_ServerStateAndResponses_KeptByteForByte()
    {
        using var document = JsonDocument.Parse("""
            {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"t",
             "inputResponses":{"confirm":{"action":"accept","content":{"ok":1.0}},
               "mcpguard/approval":{"action":"accept"}},
             "requestState":"c2VydmVy\u003d"}}
            """);

        var stripped = Encoding.UTF8.GetString(InputRequiredRetry.WithoutGuardKeys(document.RootElement));

        Assert.Equal(
            """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"t","inputResponses":"""
                + """{"confirm":{"action":"accept","content":{"ok":1.0}}},"requestState":"c2VydmVy\u003d"}}""",
            stripped);
    }

    [Theory]
    [InlineData("""{"inputResponses":{"mcpguard/approval":{"action":"accept","content":{"approve":true}}}}""", true)]
    [InlineData("""{"inputResponses":{"mcpguard/approval":{"action":"accept","content":{"approve":false}}}}""", false)]
    [InlineData("""{"inputResponses":{"mcpguard/approval":{"action":"accept","content":{"approve":"true"}}}}""", false)]
    [InlineData("""{"inputResponses":{"mcpguard/approval":{"action":"accept","content":{}}}}""", false)]
    [InlineData("""{"inputResponses":{"mcpguard/approval":{"action":"decline"}}}""", false)]
    [InlineData("""{"inputResponses":{"mcpguard/approval":{"action":"cancel"}}}""", false)]
    [InlineData("""{"inputResponses":{"other":{"action":"accept","content":{"approve":true}}}}""", false)]
    [InlineData("""{}""", false)]
    public void ApprovesExplicitly_Answer_OnlyAnExplicitAcceptWithApproveTrue(string parameters, bool approves)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.Equal(approves, InputRequiredRetry.ApprovesExplicitly(document.RootElement));
    }

    [Theory]
    [InlineData("""{"requestState":"abc"}""", "abc")]
    [InlineData("""{"requestState":1}""", null)]
    [InlineData("""{"name":"x"}""", null)]
    public void RequestState_Params_StringOrNothing(string parameters, string? expected)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.Equal(expected, InputRequiredRetry.RequestState(document.RootElement));
    }
}
