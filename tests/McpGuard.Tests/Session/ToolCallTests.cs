using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

/// <summary>
/// docs/relay.md#client--server-strict-checks: a tools/call whose params are not the documented shape is invalid params
/// (-32602), never judged.
/// </summary>
public sealed class ToolCallTests
{
    [Theory]
    [InlineData("[]", "params must be an object")]
    [InlineData("\"echo\"", "params must be an object")]
    [InlineData("null", "params must be an object")]
    [InlineData("{}", "params.name must be a string")]
    [InlineData("""{"name":5}""", "params.name must be a string")]
    [InlineData("""{"name":null}""", "params.name must be a string")]
    [InlineData("""{"name":["echo"]}""", "params.name must be a string")]
    [InlineData("""{"name":"echo","arguments":"x"}""", "params.arguments must be an object")]
    [InlineData("""{"name":"echo","arguments":[]}""", "params.arguments must be an object")]
    [InlineData("""{"name":"echo","arguments":null}""", "params.arguments must be an object")]
    [InlineData("""{"name":"echo","arguments":1}""", "params.arguments must be an object")]
    public void TryRead_BadShape_ReportsInvalidParams(string parameters, string problem)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.False(ToolCall.TryRead(document.RootElement, out _, out var why));
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_MissingParams_ReportsInvalidParams()
    {
        Assert.False(ToolCall.TryRead(default, out _, out var why));
        Assert.Contains("params must be an object", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"echo"}""", "echo", false)]
    [InlineData("""{"name":"echo","arguments":{}}""", "echo", true)]
    [InlineData("""{"name":"ech\u006f","arguments":{"a":1}}""", "echo", true)]
    [InlineData("""{"name":"Echo"}""", "Echo", false)]
    [InlineData("""{"name":"caf\u00e9"}""", "café", false)]
    [InlineData("""{"name":"cafe\u0301"}""", "cafe\u0301", false)]
    [InlineData("""{"name":""}""", "", false)]
    [InlineData("""{"arguments":{},"name":"late","_meta":{"progressToken":1}}""", "late", true)]
    public void TryRead_GoodShape_NameUnescapedWithoutFolding(string parameters, string name, bool hasArguments)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.True(ToolCall.TryRead(document.RootElement, out var call, out _));
        Assert.Equal(name, call.Name);
        Assert.Equal(hasArguments ? JsonValueKind.Object : JsonValueKind.Undefined, call.Arguments.ValueKind);
    }
}
