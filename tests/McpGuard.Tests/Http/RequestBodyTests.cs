using System.Text;
using McpGuard.Http;

namespace McpGuard.Tests.Http;

/// <summary>
/// A pretty-printed body becomes one line without any value changing; a raw newline in a string stays, to be refused.
/// </summary>
public sealed class RequestBodyTests
{
    private static string OnOneLine(string body) =>
        Encoding.UTF8.GetString(RequestBody.OnOneLine(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void WhitespaceNewlines_BecomeSpaces()
    {
        Assert.Equal("{   \"a\": \"x\\n\\\"y\",  \"b\": 1 }", OnOneLine("{\r\n \"a\": \"x\\n\\\"y\",\n \"b\": 1\n}"));
    }

    [Fact]
    public void RawNewlineInAString_IsLeftForTheValidator()
    {
        Assert.Contains('\n', OnOneLine("{\"a\": \"x\ny\"}"));
    }
}
