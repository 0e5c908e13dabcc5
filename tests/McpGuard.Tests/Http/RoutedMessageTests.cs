using System.Text;
using McpGuard.Session;
using RoutedMessage = McpGuard.Http.OutboundMessage;

namespace McpGuard.Tests.Http;

/// <summary>What the gateway's router reads of a message the guard sends towards a client: kind, id, token.</summary>
public sealed class RoutedMessageTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"ok"}]}}""")]
    [InlineData("""{"result":{"content":[{"type":"text","text":"ok"}]},"jsonrpc":"2.0","id":7}""")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"error":{"code":-32603,"message":"no"}}""")]
    public void Answer_IsAResponseWithItsId(string json)
    {
        var message = RoutedMessage.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(MessageKind.Response, message.Kind);
        Assert.Equal("n:7", message.Id?.Key);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"no"}}""", true)]
    [InlineData("""{"error":{"code":-32602,"message":"no"},"jsonrpc":"2.0","id":1}""", true)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"error":{"code":1},"protocolVersion":"2025-06-18"}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":"error","result":{}}""", false)]
    public void IsErrorAnswer_OnlyATopLevelError(string json, bool expected) =>
        Assert.Equal(expected, RoutedMessage.Read(Encoding.UTF8.GetBytes(json)).IsErrorAnswer());

    [Fact]
    public void AnswerDeeperThanADocumentsDefault_IsStillAResponse()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100));
        var json = """{"jsonrpc":"2.0","result":""" + deep + ""","id":"a"}""";

        var message = RoutedMessage.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(MessageKind.Response, message.Kind);
        Assert.Equal("s:a", message.Id?.Key);
    }

    [Fact]
    public void Request_HasItsId()
    {
        var message = RoutedMessage.Read(
            """{"jsonrpc":"2.0","method":"sampling/createMessage","id":3,"params":{}}"""u8.ToArray());

        Assert.Equal(MessageKind.Request, message.Kind);
        Assert.Equal("n:3", message.Id?.Key);
    }

    [Fact]
    public void ProgressNotification_NamesItsToken()
    {
        var json = """{"jsonrpc":"2.0","method":"notifications/progress","params":"""
            + """{"progressToken":"t1","progress":1}}""";

        var message = RoutedMessage.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(MessageKind.Notification, message.Kind);
        Assert.Null(message.Id);
        Assert.Equal("\"t1\"", message.ProgressToken);
    }
}
