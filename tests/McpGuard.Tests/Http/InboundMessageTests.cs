using System.Text;
using McpGuard.Http.Upstream;

namespace McpGuard.Tests.Http;

/// <summary>What the guard accepts from an upstream before the session sees it.</summary>
public sealed class InboundMessageTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","error":{"code":-1,"message":"x"}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":9,"method":"elicitation/create","params":{}}""")]
    public void TryRead_JsonRpc_Accepted(string json)
    {
        Assert.True(InboundMessage.TryRead(Encoding.UTF8.GetBytes(json), out _));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"result":{}}]""")]
    [InlineData("""{"id":1,"result":{}}""")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{},"result":{"tools":[]}}""")]
    [InlineData("""{"jsonrpc":"2.0","result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}} {"jsonrpc":"2.0","id":2,"result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"text":"a""" + "\n" + """b"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    public void TryRead_NotOneJsonRpcMessage_Refused(string text)
    {
        Assert.False(InboundMessage.TryRead(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void TryRead_SpreadOverLines_BecomesOneLine()
    {
        Assert.True(
            InboundMessage.TryRead(
                "{\"jsonrpc\":\"2.0\",\r\n\"id\":1,\r\"result\":\n{}}"u8.ToArray(), out var message));

        Assert.Equal("{\"jsonrpc\":\"2.0\",  \"id\":1, \"result\": {}}", Encoding.UTF8.GetString(message.Bytes.Span));
    }
}
