using System.Text;
using McpGuard.Http;

namespace McpGuard.Tests.Http;

/// <summary>Ids of the guard's own on the shared child: one member replaced, every other byte untouched.</summary>
public sealed class JsonSpliceTests
{
    private static string Replace(string json, string[] path, string raw) =>
        Encoding.UTF8.GetString(JsonSplice.Replace(Encoding.UTF8.GetBytes(json), path, Encoding.UTF8.GetBytes(raw)));

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"x"}""", """{"jsonrpc":"2.0","id":"g-1","method":"x"}""")]
    [InlineData("""{ "id" : "a\"b" , "method":"x"}""", """{ "id" : "g-1" , "method":"x"}""")]
    [InlineData("""{"params":{"id":5},"id":1}""", """{"params":{"id":5},"id":"g-1"}""")]
    [InlineData("""{"\u0069d":1}""", """{"\u0069d":"g-1"}""")]
    public void Id_IsReplacedAtTheTopLevelOnly(string json, string expected)
    {
        Assert.Equal(expected, Replace(json, ["id"], "\"g-1\""));
    }

    [Fact]
    public void NestedMember_IsFoundThroughItsObjects()
    {
        var json = """{"id":1,"params":{"name":"t","_meta":{"progressToken":42,"other":[1]},"progressToken":9}}""";

        Assert.Equal(
            """{"id":1,"params":{"name":"t","_meta":{"progressToken":"g","other":[1]},"progressToken":9}}""",
            Replace(json, ["params", "_meta", "progressToken"], "\"g\""));
    }

    [Theory]
    [InlineData("""{"method":"x"}""")]
    [InlineData("""{"id":{"a":1}}""")]
    [InlineData("""{"params":{"_meta":5}}""")]
    public void NoScalarThere_LeavesTheMessage(string json)
    {
        Assert.Equal(json, Replace(json, ["id"], "1"));
        Assert.Equal(json, Replace(json, ["params", "_meta", "progressToken"], "1"));
    }
}
