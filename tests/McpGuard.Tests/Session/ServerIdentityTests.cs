using System.Buffers;
using System.Text;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

public sealed class ServerIdentityTests
{
    [Theory]
    [InlineData(
        "initialize",
        """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{}"""
            + ""","serverInfo":{"name":"bybit-mcp","version":"1"}}}""",
        "bybit-mcp")]
    [InlineData(
        "server/discover",
        """{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":["2026-07-28"]"""
            + ""","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"bybit-mcp","version":"1"}}}}""",
        "bybit-mcp")]
    [InlineData(
        "server/discover", """{"jsonrpc":"2.0","id":1,"result":{"serverInfo":{"name":"in the wrong place"}}}""", null)]
    [InlineData("initialize", """{"jsonrpc":"2.0","id":1,"result":{"serverInfo":{"name":7}}}""", null)]
    [InlineData("initialize", """{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"no"}}""", null)]
    [InlineData("initialize", """{"jsonrpc":"2.0","id":1,"result":"odd"}""", null)]
    public void Read_Answer_GivesTheSelfReportedName(string method, string line, string? expected) =>
        Assert.Equal(expected, ServerIdentity.Read(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)), method));
}
