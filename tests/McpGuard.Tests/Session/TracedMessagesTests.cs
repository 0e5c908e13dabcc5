using System.Buffers;
using System.Text;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

/// <summary>
/// What the traced peers read of a message on its way out: a request's id; an answer's id, whether it failed and its
/// code, the same whether the answer is read in full or, when it can hold no failure, only up to its id.
/// </summary>
public sealed class TracedMessagesTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":{"content":[],"isError":false}}""", "7", false, null)]
    [InlineData("""{"jsonrpc":"2.0","id":"a","result":{"content":[{"type":"text","text":"x"}],"isError":true}}""",
        "\"a\"", true, null)]
    [InlineData("""{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Unknown tool: x"}}""", "3", true, -32602L)]
    [InlineData("""{"jsonrpc":"2.0","result":{"isError":true},"id":4}""", "4", true, null)]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"say \"isError\":true"}]}}""",
        "5", false, null)]
    [InlineData("""{"jsonrpc":"2.0","id":6,"result":{"isError":false,"meta":{"isError":true}}}""", "6", false, null)]
    public void TryReadAnswer_IdFailureAndCode(string message, string id, bool isError, long? code)
    {
        Assert.True(TracedMessages.TryReadAnswer(Bytes(message), out var read, out var failed, out var readCode));

        Assert.Equal(id, read.ToString());
        Assert.Equal(isError, failed);
        Assert.Equal(code, readCode);
    }

    [Fact]
    public void TryReadAnswer_ARequestToTheClient_IsNoAnswer()
    {
        Assert.False(TracedMessages.TryReadAnswer(
            Bytes("""{"jsonrpc":"2.0","id":1,"method":"elicitation/create","params":{}}"""), out _, out _, out _));
    }

    [Fact]
    public void TryReadRequestId_RequestsOnly()
    {
        Assert.True(TracedMessages.TryReadRequestId(
            Bytes("""{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"x"}}"""), out var id));
        Assert.Equal("\"c1\"", id.ToString());
        Assert.False(TracedMessages.TryReadRequestId(
            Bytes("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""), out _));
        Assert.False(TracedMessages.TryReadRequestId(Bytes("""{"jsonrpc":"2.0","id":2,"result":{}}"""), out _));
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
}
