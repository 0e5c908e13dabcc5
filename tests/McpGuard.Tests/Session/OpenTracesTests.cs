using System.Text.Json;
using McpGuard.Session;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Session;

/// <summary>
/// An audit record's JSON request id finds its open request exactly as <see cref="JsonRpcId"/> would: strings and
/// integers on the stack, escaped and long ids the slow way, and <c>"7"</c> never for <c>7</c>.
/// </summary>
public sealed class OpenTracesTests
{
    [Theory]
    [InlineData("\"c1\"")]
    [InlineData("42")]
    [InlineData("-7")]
    [InlineData("\"\\u0063\\u0031x\"")]
    [InlineData("\"ünïcødé\"")]
    public void Find_TheRequestStartedUnderTheSameId(string json)
    {
        var open = new OpenTraces();
        var request = new RequestTrace("tools/call", "t", 1);
        open.Add(Id(json), request);

        Assert.Same(request, open.Find(Element(json)));
    }

    [Fact]
    public void LongId_FoundTheSlowWay()
    {
        var json = "\"" + new string('x', 500) + "\"";
        var open = new OpenTraces();
        var request = new RequestTrace("ping", null, 1);
        open.Add(Id(json), request);

        Assert.Same(request, open.Find(Element(json)));
    }

    [Fact]
    public void StringAndNumber_AreDifferentIds()
    {
        var open = new OpenTraces();
        open.Add(Id("7"), new RequestTrace("ping", null, 1));

        Assert.Null(open.Find(Element("\"7\"")));
        Assert.NotNull(open.Find(Element("7")));
        Assert.Null(open.Find(Element("7.0")));
        Assert.Null(open.Find(null));
    }

    private static JsonRpcId Id(string json) => JsonRpcId.FromElement(Element(json))!.Value;

    private static JsonElement Element(string json) => JsonElement.Parse(json);
}
