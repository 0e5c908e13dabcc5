using McpGuard.Http;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Tests.Http;

public sealed class RepeatedHeaderTests
{
    private static readonly string[] s_names = ["Mcp-Session-Id", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name"];

    [Theory]
    [InlineData("Mcp-Session-Id", "abc, abc", "Mcp-Session-Id")]
    [InlineData("Mcp-Session-Id", "abc,def", "Mcp-Session-Id")]
    [InlineData("mcp-session-id", "abc,", "Mcp-Session-Id")]
    [InlineData("MCP-Protocol-Version", "2025-06-18, 2025-06-18", "MCP-Protocol-Version")]
    [InlineData("Mcp-Session-Id", "abc", null)]
    [InlineData("MCP-Protocol-Version", "2025-06-18", null)]
    // A method or a name may hold a comma; it must equal the body's (ModernHeaders), so it is no list here.
    [InlineData("Mcp-Method", "tools/list, tools/list", null)]
    [InlineData("Mcp-Name", "a,b", null)]
    public void Find_AListOnOneLine_IsRepeatedWhereNoValueHoldsAComma(string header, string value, string? expected)
    {
        var headers = new HeaderDictionary { [header] = value };

        Assert.Equal(expected, RepeatedHeader.Find(headers, s_names));
    }

    [Fact]
    public void Find_TwoFieldLines_IsRepeated()
    {
        var headers = new HeaderDictionary { ["Mcp-Name"] = new(["a", "a"]) };

        Assert.Equal("Mcp-Name", RepeatedHeader.Find(headers, s_names));
    }
}
