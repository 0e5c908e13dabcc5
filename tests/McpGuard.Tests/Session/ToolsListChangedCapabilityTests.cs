using System.Buffers;
using System.Text;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

/// <summary>
/// The guard sends tools/list_changed on a reload that changes what is hidden, so the initialize answer the client
/// gets says tools.listChanged: true. It passed through a server's false (or none), and the client was then sent a
/// notification the capabilities said would not come.
/// </summary>
public sealed class ToolsListChangedCapabilityTests
{
    [Theory]
    [InlineData("""{"tools":{"listChanged":false}}""")]
    [InlineData("""{"tools":{}}""")]
    [InlineData("""{"tools":{"listChanged":"yes"},"logging":{}}""")]
    public void NotAdvertised_IsSetTrue_EverythingElseKept(string capabilities)
    {
        var answer = """{"jsonrpc":"2.0","id":9007199254740993,"result":{"protocolVersion":"2025-06-18","""
            + "\"capabilities\":" + capabilities + ""","serverInfo":{"name":"café <s>","version":"1"}}}""";

        var advertised = ToolsListChangedCapability.Advertised(
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(answer)));

        var text = Encoding.UTF8.GetString(Assert.IsType<byte[]>(advertised));
        Assert.Contains("\"listChanged\":true", text, StringComparison.Ordinal);
        Assert.StartsWith("""{"jsonrpc":"2.0","id":9007199254740993,""", text, StringComparison.Ordinal);
        Assert.Contains("""{"name":"café <s>","version":"1"}""", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"tools":{"listChanged":true}}""")]
    [InlineData("""{"resources":{}}""")]
    [InlineData("""{}""")]
    public void AdvertisedOrNoTools_Unchanged(string capabilities)
    {
        var answer = """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":"""
            + capabilities + ""","serverInfo":{"name":"s","version":"1"}}}""";

        Assert.Null(ToolsListChangedCapability.Advertised(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(answer))));
    }

    [Fact]
    public void ErrorAnswer_Unchanged() =>
        Assert.Null(ToolsListChangedCapability.Advertised(new ReadOnlySequence<byte>(
            """{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad"}}"""u8.ToArray())));
}
