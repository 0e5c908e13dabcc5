using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGuard.Http.Upstream;

namespace McpGuard.Tests.Http;

/// <summary><c>x-mcp-header</c> declarations read from a tool's schema, and the headers a modern call gets.</summary>
public sealed class ParamHeaderTests
{
    [Fact]
    public void Scan_NestedPropertiesChain_Declared()
    {
        var declared = Scan("""
            {"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"},
             "order":{"type":"object","properties":{"leverage":{"type":"integer","x-mcp-header":"Leverage"}}}}}
            """);

        Assert.Equal(["Region", "Leverage"], declared.Select(h => h.Name));
        Assert.Equal(["order", "leverage"], declared[1].Path);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"number","x-mcp-header":"A"}}}""")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"Bad Name"}}}""")]
    [InlineData("""{"properties":{"a":{"type":"array","items":{"type":"string","x-mcp-header":"A"}}}}""")]
    [InlineData("""{"properties":{"a":{"type":"string","x-mcp-header":"A"},"""
        + "\"b\":{\"type\":\"boolean\",\"x-mcp-header\":\"a\"}}}")]
    [InlineData("""{"type":"string","x-mcp-header":"Root"}""")]
    public void Scan_InvalidDeclaration_ToolGetsNone(string schema)
    {
        Assert.Empty(Scan(schema));
    }

    [Fact]
    public void AddTo_MirrorsTheBodysArguments_EncodedAsTheSpecSays()
    {
        var table = new ParamHeaderDeclarations();
        table.Learn(Encoding.UTF8.GetBytes("""
            {"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"t","inputSchema":{"type":"object","properties":{
             "region":{"type":"string","x-mcp-header":"Region"},"live":{"type":"boolean","x-mcp-header":"Live"},
             "n":{"type":"integer","x-mcp-header":"N"},"gone":{"type":"string","x-mcp-header":"Gone"}}}}]}}
            """));
        using var request = new HttpRequestMessage();

        table.AddTo(request.Headers, "t", Encoding.UTF8.GetBytes("""
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"t",
             "arguments":{"region":"Zürich","live":true,"n":5,"gone":null}}}
            """));
        table.AddTo(request.Headers, "other", "{}"u8.ToArray());

        Assert.Equal("=?base64?WsO8cmljaA==?=", Header(request.Headers, "Mcp-Param-Region"));
        Assert.Equal("true", Header(request.Headers, "Mcp-Param-Live"));
        Assert.Equal("5", Header(request.Headers, "Mcp-Param-N"));
        Assert.False(request.Headers.Contains("Mcp-Param-Gone"));
    }

    private static ParamHeader[] Scan(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return ParamHeader.Scan(document.RootElement);
    }

    private static string Header(HttpRequestHeaders headers, string name) => Assert.Single(headers.GetValues(name));
}
