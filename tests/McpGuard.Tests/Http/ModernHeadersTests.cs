using System.Buffers;
using System.Text;
using McpGuard.Http;
using McpGuard.Session;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Tests.Http;

/// <summary>
/// A 2026-07-28 POST's <c>Mcp-Name</c> against its body (docs/serve.md), as the TypeScript SDK's client writes it: the
/// field its method names, in the spec's value encoding (<c>=?base64?…?=</c> for what is not plain visible ASCII).
/// </summary>
public sealed class ModernHeadersTests
{
    private const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}";

    [Theory]
    [InlineData("tools/call", "\"name\":\"echo\"", "echo")]
    [InlineData("tools/call", "\"name\":\"café\"", "=?base64?Y2Fmw6k=?=")]
    [InlineData("resources/read", "\"uri\":\"file:///home/josé/notes.txt\"",
        "=?base64?ZmlsZTovLy9ob21lL2pvc8OpL25vdGVzLnR4dA==?=")]
    [InlineData("tasks/get", "\"taskId\":\"task-1\"", "task-1")]
    [InlineData("tasks/cancel", "\"taskId\":\"task-1\"", "task-1")]
    [InlineData("tools/call", "\"name\":\"echo\"", "=?base64?ZWNobw==?=")]
    public void NameAsTheClientWritesIt_Matches(string method, string field, string header)
    {
        Assert.Null(ModernHeaders.Mismatch(Headers(method, header), Message(method, field)));
    }

    [Theory]
    [InlineData("tools/call", "\"name\":\"echo\"", "place_order")]
    [InlineData("tools/call", "\"name\":\"echo\"", "=?base64?cGxhY2Vfb3JkZXI=?=")]
    [InlineData("tools/call", "\"name\":\"café\"", "=?base64?Y2Fmw6k?=")]
    [InlineData("tools/call", "\"name\":\"café\"", "=?base64?not base64?=")]
    [InlineData("tools/call", "\"name\":\"café\"", "=?base64?/w==?=")]
    [InlineData("tools/call", "\"name\":\"echo\"", null)]
    [InlineData("tasks/get", "\"taskId\":\"task-1\"", "task-2")]
    [InlineData("tools/list", "\"name\":\"echo\"", "echo")]
    public void NameThatSaysOtherwise_Refused(string method, string field, string? header)
    {
        Assert.NotNull(ModernHeaders.Mismatch(Headers(method, header), Message(method, field)));
    }

    private static HeaderDictionary Headers(string method, string? name)
    {
        var headers = new HeaderDictionary { ["MCP-Protocol-Version"] = "2026-07-28", ["Mcp-Method"] = method };
        if (name is not null)
        {
            headers["Mcp-Name"] = name;
        }

        return headers;
    }

    private static ClientMessage Message(string method, string field)
    {
        var json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":{" + field + "," + Meta
            + "}}";
        Assert.True(ClientMessageValidator.Validate(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)))
            .Accepted(out var message));
        return message;
    }
}
