using McpGuard.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace McpGuard.Tests.Http;

/// <summary>
/// The MCP headers read in one pass are what a lookup by name gives: any case, repeated values together, absent ones
/// empty, and names of the same length (known to Kestrel or not) left alone.
/// </summary>
public sealed class McpHeaderValuesTests
{
    private static readonly string[] s_names = ["Mcp-Method", "Mcp-Session-Id", "MCP-Protocol-Version"];

    public static TheoryData<string[]> Requests => new()
    {
        new[] { "Mcp-Session-Id: abc", "MCP-Protocol-Version: 2025-11-25", "Mcp-Method: tools/call" },
        new[] { "mcp-session-id: abc", "mcp-protocol-version: 2025-06-18", "MCP-METHOD: subscriptions/listen" },
        new[] { "Mcp-Session-Id: a", "Mcp-Session-Id: b", "MCP-Protocol-Version: x", "mcp-protocol-version: y" },
        new[] { "Content-Length: 14", "User-Agent: t", "Connection: keep-alive", "Mcp-Sessions-I: no" },
        new[] { "Keep-Alive: 1", "Accept-Charset: utf-8", "X-Mcp-Method: not-it", "MCP-Protocol-Versio: no" },
        Array.Empty<string>(),
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void OnePass_GivesWhatALookupByNameGives(string[] lines)
    {
        var headers = new HeaderDictionary();
        foreach (var line in lines)
        {
            var (name, value) = (line[..line.IndexOf(':')], line[(line.IndexOf(':') + 2)..]);
            headers.Append(name, value);
        }

        var read = McpHeaderValues.Read(headers);

        Assert.Equal(
            s_names.Select(name => headers[name]).ToArray(),
            new StringValues[] { read.Method, read.SessionIds, read.Revisions });
    }

    [Fact]
    public void KeptOnTheRequest_TheEndpointReadsThemOnce()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["Mcp-Session-Id"] = "kept";

        var kept = McpHeaderValues.Keep(context);
        context.Request.Headers["Mcp-Session-Id"] = "changed after";

        Assert.Same(kept, McpHeaderValues.Of(context));
        Assert.Equal("kept", McpHeaderValues.Of(context).SessionIds.ToString());
        Assert.Equal("changed after", McpHeaderValues.Of(new DefaultHttpContext
        {
            Request = { Headers = { ["Mcp-Session-Id"] = "changed after" } },
        }).SessionIds.ToString());
    }
}
