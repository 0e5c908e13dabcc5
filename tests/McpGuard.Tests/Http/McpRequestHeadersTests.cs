using McpGuard.Http.Upstream;

namespace McpGuard.Tests.Http;

public sealed class McpRequestHeadersTests
{
    [Theory]
    [InlineData("get_ticker", "get_ticker")]
    [InlineData("file:///a b", "file:///a b")]
    [InlineData("caf\u00e9", "=?base64?Y2Fmw6k=?=")]
    [InlineData(" padded", "=?base64?IHBhZGRlZA==?=")]
    [InlineData("a\r\nX-Injected: 1", "=?base64?YQ0KWC1JbmplY3RlZDogMQ==?=")]
    [InlineData("=?base64?eA==?=", "=?base64?PT9iYXNlNjQ/ZUE9PT89?=")]
    [InlineData("", "=?base64??=")]
    public void Encode_PlainOnlyWhenSafe(string value, string expected)
    {
        Assert.Equal(expected, McpRequestHeaders.Encode(value));
    }

    [Fact]
    public void TryRead_ModernToolsCall_HeadersFromTheBody()
    {
        var body = ("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{}"""u8
            + ""","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"""u8).ToArray();

        Assert.True(OutboundMessage.TryRead(body, out var message));
        Assert.Equal(OutboundKind.Request, message.Kind);
        Assert.Equal("2026-07-28", message.ModernRevision);
        Assert.Equal("echo", message.NameValue);
    }

    [Theory]
    [InlineData(
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}""", "Request",
        null)]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", "Notification", null)]
    [InlineData("""{"jsonrpc":"2.0","id":"e1","result":{"action":"accept"}}""", "Response", null)]
    // A 2025-era POST carries no Mcp-Name, so its name is not read (OutboundMessage.CannotBeModern).
    [InlineData(
        """{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"file:///x"}}""", "Request", null)]
    public void TryRead_Kinds(string json, string kind, string? name)
    {
        Assert.True(OutboundMessage.TryRead(System.Text.Encoding.UTF8.GetBytes(json), out var message));
        Assert.Equal(kind, message.Kind.ToString());
        Assert.Null(message.ModernRevision);
        Assert.Equal(name, message.NameValue);
    }
}
