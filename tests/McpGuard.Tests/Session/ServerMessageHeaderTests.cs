using System.Buffers;
using System.Text;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

public sealed class ServerMessageHeaderTests
{
    /// <summary>Case, line, method, raw id (null = none), kind.</summary>
    public static TheoryData<string, string, string?, string?, string> Messages => new()
    {
        { "Response", """{"jsonrpc":"2.0","id":1,"result":{}}""", null, "1", "response" },
        { "ErrorResponse",
            """{"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"no"}}""", null, "\"a\"", "response" },
        { "ResponseIdLast", """{"jsonrpc":"2.0","result":{"id":5,"method":"inner"},"id":2}""", null, "2", "response" },
        { "BigIntegerId",
            """{"jsonrpc":"2.0","id":9007199254740993,"result":{}}""", null, "9007199254740993", "response" },
        { "EscapedStringId", """{"jsonrpc":"2.0","id":"\u0037","result":{}}""", null, "\"\\u0037\"", "response" },
        { "EscapedMemberNames", """{"jsonrp\u0063":"2.0","\u0069d":4,"r\u0065sult":{}}""", null, "4", "response" },
        { "EscapedErrorName",
            """{"jsonrpc":"2.0","id":5,"\u0065rror":{"code":1,"message":"x"}}""", null, "5", "response" },
        { "Request",
            """{"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{"id":9}}""",
            "sampling/createMessage", "\"s1\"", "request" },
        { "Notification",
            """{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}""", "notifications/tools/list_changed",
            null, "notification" },
        { "EscapedMethod",
            """{"jsonrpc":"2.0","method":"notifications\/tools\/list_changed"}""", "notifications/tools/list_changed",
            null, "notification" },
        { "WhitespaceAround", " \t{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\t \r", null, "1", "response" },
        { "NonIntegerIdIgnored", """{"jsonrpc":"2.0","id":1.5,"result":{}}""", null, null, "notification" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void TryRead_Message_ReadsMethodAndId(string kase, string line, string? method, string? rawId, string kind)
    {
        Assert.True(
            ServerMessageHeader.TryRead(WireBytes.Segmented(Encoding.UTF8.GetBytes(line), 4), out var header), kase);
        Assert.Equal(method, header.Method);
        Assert.Equal(rawId, header.Id?.ToString());
        Assert.Equal(kind == "response", header.IsResponse);
        Assert.Equal(kind == "request", header.IsRequest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello from a server that logs to stdout")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}} trailing""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}}{"jsonrpc":"2.0","id":2,"result":{}}""")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"result":{}}]""")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"\ud800"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"\udc00","result":{}}""")]
    public void TryRead_NotOneJsonObject_ReturnsFalseWithoutThrowing(string line)
    {
        Assert.False(ServerMessageHeader.TryRead(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)), out _));
    }

    /// <summary>One JSON object, but not a JSON-RPC 2.0 message: the child's noise, never forwarded.</summary>
    [Theory]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"jsonrpc":"2.0"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    [InlineData("""{"id":1,"result":{}}""")]
    [InlineData("""{"method":"notifications/message"}""")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"result":{}}""")]
    [InlineData("""{"jsonrpc":2.0,"method":"ping","id":1}""")]
    public void TryRead_JsonThatIsNotJsonRpc_ReturnsFalse(string line)
    {
        Assert.False(ServerMessageHeader.TryRead(WireBytes.Segmented(Encoding.UTF8.GetBytes(line), 3), out _));
    }

    /// <summary>What the audit log's outcome record says about an answer: the live path, read by the relay.</summary>
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":3,"error":{"code":-32603,"message":"boom"}}""", true, -32603L)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}""", true, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":false}}""", false, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[]}}""", false, null)]
    [InlineData(
        """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"x","isError":true}]}}""", false, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":"odd","message":"x"}}""", true, null)]
    public void TryRead_Answer_ClassifiesErrorsForTheAuditOutcome(string line, bool isError, long? errorCode)
    {
        Assert.True(ServerMessageHeader.TryRead(WireBytes.Segmented(Encoding.UTF8.GetBytes(line), 3), out var header));
        Assert.Equal(isError, header.IsError);
        Assert.Equal(errorCode, header.ErrorCode);
    }

    [Fact]
    public void TryRead_HugeStringValues_ReadsHeader()
    {
        var big = new string('x', 10 * 1024 * 1024);
        var line = $$"""{"jsonrpc":"2.0","result":{"content":[{"type":"text","text":"{{big}}"}]},"id":42}""";

        Assert.True(
            ServerMessageHeader.TryRead(WireBytes.Segmented(Encoding.UTF8.GetBytes(line), 64 * 1024), out var header));
        Assert.True(header.IsResponse);
        Assert.Equal("42", header.Id?.ToString());
    }

    /// <summary>
    /// The walk that reads the header also tells when no result names a task, so the answer is not searched for a
    /// task handle again: it must never say so of a handle (escaped names and a repeated result included).
    /// </summary>
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"task":{"taskId":"a","status":"working"}}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"resultType":"task","taskId":"b","status":"working"}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"resultType":"task","task\u0049d":"b"}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"t\u0061sk":{"taskId":"a"}}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"task":{"taskId":"a"}},"result":{"content":[]}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[]},"result":{"task":{"taskId":"a"}}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"structuredContent":{"taskId":"c"}}}""", true)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"\"taskId\""}]}}""", true)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}""", true)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[]}""", true)]
    public void TryRead_Answer_SaysWhenNoResultNamesATask(string line, bool namesNoTask)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.True(ServerMessageHeader.TryRead(WireBytes.Segmented(bytes, 3), out var header));
        Assert.Equal(namesNoTask, header.NamesNoTask);
        if (header.NamesNoTask)
        {
            Assert.False(TaskHandles.TryReadCreated(new ReadOnlySequence<byte>(bytes), out _));
        }
    }

    [Fact]
    public void Header_NotReadHere_NeverSaysNoTask() =>
        Assert.False(new ServerMessageHeader("m", null).NamesNoTask);
}
