using System.Text;
using McpGuard.Http.Upstream;

namespace McpGuard.Tests.Http;

/// <summary>The facts of a judged message that decide its POST, read without a document.</summary>
public sealed class OutboundMessageTests
{
    private const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}";

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{}}}""")]
    [InlineData("""{"method":"tools/call","params":{"name":"echo","arguments":{"a":[1]}},"jsonrpc":"2.0","id":7}""")]
    public void TryRead_2025Request_KindIdAndMethod(string json)
    {
        Assert.True(OutboundMessage.TryRead(Encoding.UTF8.GetBytes(json), out var message));

        Assert.Equal(OutboundKind.Request, message.Kind);
        Assert.Equal("n:7", message.Id?.Key);
        Assert.Equal("tools/call", message.Method);
        Assert.False(message.IsModern);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"echo",""" + Meta + "}}")]
    [InlineData("{\"params\":{" + Meta + ""","name":"echo"},"method":"tools/call","id":"a","jsonrpc":"2.0"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"echo","""
        + "\"_meta\":{\"io.modelcontextprotocol\\/protocolVersion\":\"2026-07-28\"}}}")]
    public void TryRead_2026Request_RevisionAndName(string json)
    {
        Assert.True(OutboundMessage.TryRead(Encoding.UTF8.GetBytes(json), out var message));

        Assert.Equal("2026-07-28", message.ModernRevision);
        Assert.Equal("echo", message.NameValue);
        Assert.Equal("s:a", message.Id?.Key);
    }

    [Fact]
    public void TryRead_2026Cancellation_NamesTheRequest()
    {
        var json = """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3,""" + Meta + "}}";

        Assert.True(OutboundMessage.TryRead(Encoding.UTF8.GetBytes(json), out var message));

        Assert.Equal(OutboundKind.Notification, message.Kind);
        Assert.Equal("n:3", message.CancelledId?.Key);
    }

    [Fact]
    public void TryRead_Response_NeedsAnId()
    {
        Assert.True(OutboundMessage.TryRead("""{"jsonrpc":"2.0","id":4,"result":{}}"""u8.ToArray(), out var answer));
        Assert.Equal(OutboundKind.Response, answer.Kind);
        Assert.False(OutboundMessage.TryRead("""{"jsonrpc":"2.0","result":{}}"""u8.ToArray(), out _));
    }
}
