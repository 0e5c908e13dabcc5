using System.Buffers;
using System.Text;
using McpGuard.Http.Upstream;
using McpGuard.Session;

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
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"a","type":"image"}]}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"a":{"b":1},"c":{"b":2},"a":3}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"\u0061":1,"a":2}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"\u0069d":2,"result":{}}""")]
    public void TryRead_NotOneJsonRpcMessage_Refused(string text)
    {
        Assert.False(InboundMessage.TryRead(Encoding.UTF8.GetBytes(text), out _));
    }

    /// <summary>
    /// The header the check reads on its way is the one the session would read itself (it judges by it unread).
    /// </summary>
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"isError":false,"x":{"isError":true}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[{"isError":true}]}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[{"isError":true}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"x"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","error":{"message":"x","data":{"code":5},"code":1.5}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","error":"plain"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":2,"result":{"protocolVersion":"2025-06-18"}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"isError":true,"code":3}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":9,"method":"elicitation/create","params":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":{"x":1},"method":"m"}""")]
    [InlineData("""{"jsonrpc":"2.0","method":5,"id":3,"result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"ping","id":3,"error":{"code":7}}""")]
    public void TryRead_Header_AsTheSessionReadsIt(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(InboundMessage.TryRead(bytes, out var message));
        Assert.True(ServerMessageHeader.TryRead(new ReadOnlySequence<byte>(bytes), out var expected));
        var header = Assert.NotNull(message.Header);
        Assert.Equal(
            (expected.Method, expected.Id?.Key, expected.IsError, expected.ErrorCode),
            (header.Method, header.Id?.Key, header.IsError, header.ErrorCode));
    }

    [Fact]
    public void TryRead_MethodWithUnpairedSurrogate_LeftForTheSessionToRead()
    {
        var bytes = """{"jsonrpc":"2.0","method":"\ud800","params":{}}"""u8.ToArray();

        Assert.True(InboundMessage.TryRead(bytes, out var message));
        Assert.Null(message.Header);
    }

    [Fact]
    public void TryRead_SpreadOverLines_BecomesOneLine()
    {
        Assert.True(
            InboundMessage.TryRead(
                "{\"jsonrpc\":\"2.0\",\r\n\"id\":1,\r\"result\":\n{}}"u8.ToArray(), out var message));

        Assert.Equal("{\"jsonrpc\":\"2.0\",  \"id\":1, \"result\": {}}", Encoding.UTF8.GetString(message.Bytes.Span));
    }

    [Fact]
    public void TryRead_SameNamesInSiblingObjects_Accepted()
    {
        var json = """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text"},{"type":"text"}],"b":{"type":1}}}""";

        Assert.True(InboundMessage.TryRead(Encoding.UTF8.GetBytes(json), out var message));
        Assert.Equal("n:1", message.Id?.Key);
        Assert.True(message.IsResponse);
    }

    [Fact]
    public void TryRead_ManyNamesInOneObject_DuplicateStillFound()
    {
        var members = string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"k{i}\":{i}"));

        const string Head = """{"jsonrpc":"2.0","id":1,"result":{""";

        Assert.True(InboundMessage.TryRead(Encoding.UTF8.GetBytes(Head + members + "}}"), out _));
        Assert.False(InboundMessage.TryRead(Encoding.UTF8.GetBytes(Head + members + ",\"k7\":0}}"), out _));
    }

    /// <summary>The names a refused message left behind (its check stopped midway) are not the next one's.</summary>
    [Fact]
    public void TryRead_AfterARefusalMidway_NextMessageCheckedAfresh()
    {
        Assert.False(InboundMessage.TryRead(
            """{"jsonrpc":"2.0","id":1,"result":{"a":{"b":1,"c":{"d":1,"d":2}}}}"""u8.ToArray(), out _));

        Assert.True(InboundMessage.TryRead(
            """{"jsonrpc":"2.0","id":2,"result":{"a":1,"b":{"d":1},"c":2}}"""u8.ToArray(), out var message));
        Assert.Equal("n:2", message.Id?.Key);
        Assert.False(InboundMessage.TryRead(
            """{"jsonrpc":"2.0","id":3,"result":{"d":1,"d":2}}"""u8.ToArray(), out _));
    }

    [Fact]
    public void TryRead_InitializeAnswer_NamesItsRevision()
    {
        var json = """{"result":{"capabilities":{"protocolVersion":"no"},"protocolVersion":"2025-06-18"},"""
            + "\"jsonrpc\":\"2.0\",\"id\":\"x\"}";

        Assert.True(InboundMessage.TryRead(Encoding.UTF8.GetBytes(json), out var message));
        Assert.Equal("2025-06-18", message.ProtocolVersion);
        Assert.Equal("s:x", message.Id?.Key);
        Assert.False(message.IsError);
    }

    [Fact]
    public void TryRead_ErrorAndRequest_ToldApart()
    {
        Assert.True(InboundMessage.TryRead(
            """{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"x"}}"""u8.ToArray(), out var error));
        Assert.True(InboundMessage.TryRead(
            """{"jsonrpc":"2.0","id":3,"method":"roots/list","result":{"protocolVersion":"x"}}"""u8.ToArray(),
            out var request));

        Assert.True(error is { IsError: true, IsResponse: true });
        Assert.True(request is { IsError: false, IsResponse: false, ProtocolVersion: null });
    }
}
