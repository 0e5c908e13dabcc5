using System.Text;
using McpGuard.Http;

namespace McpGuard.Tests.Http;

public sealed class ModernErrorStatusTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}""", 404)]
    [InlineData("""{"error":{"message":"m","code":-32601},"id":"a","jsonrpc":"2.0"}""", 404)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32020,"message":"mismatch"}}""", 400)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32021,"message":"capability"}}""", 400)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"version","data":{}}}""", 400)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Unknown tool"}}""", 200)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32601.5,"message":"odd"}}""", 200)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"error":{"code":-32601}}}""", 200)]
    [InlineData("""{"result":{},"jsonrpc":"2.0","id":1}""", 200)]
    [InlineData("not json", 200)]
    public void Of_OnlyTheTransportsOwnErrorsHaveAStatus(string answer, int expected)
    {
        Assert.Equal(expected, ModernErrorStatus.Of(Encoding.UTF8.GetBytes(answer)));
    }
}
