using System.Text;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

/// <summary>docs/relay.md#ids: ids are keyed by type and value and echoed with their exact bytes.</summary>
public sealed class JsonRpcIdTests
{
    [Theory]
    [InlineData("7", "n:7", "7")]
    [InlineData("\"7\"", "s:7", "\"7\"")]
    [InlineData("\"\\u0037\"", "s:7", "\"\\u0037\"")]
    [InlineData("-1", "n:-1", "-1")]
    [InlineData("0", "n:0", "0")]
    [InlineData("9007199254740993", "n:9007199254740993", "9007199254740993")]
    [InlineData("123456789012345678901234567890", "n:123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("\"\"", "s:", "\"\"")]
    [InlineData("\"a\\\"b\"", "s:a\"b", "\"a\\\"b\"")]
    public void FromElementAndFromToken_Id_SameKeyAndExactRaw(string json, string key, string raw)
    {
        using var document = JsonDocument.Parse(json);
        var fromElement = JsonRpcId.FromElement(document.RootElement);
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        var fromToken = JsonRpcId.FromToken(ref reader, bytes);

        Assert.Equal(key, fromElement?.Key);
        Assert.Equal(raw, fromElement?.ToString());
        Assert.Equal(key, fromToken?.Key);
        Assert.Equal(raw, fromToken?.ToString());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("1E3")]
    [InlineData("-0.5")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void FromElementAndFromToken_NotStringOrInteger_Null(string json)
    {
        using var document = JsonDocument.Parse(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        reader.Read();

        Assert.Null(JsonRpcId.FromElement(document.RootElement));
        Assert.Null(JsonRpcId.FromToken(ref reader, bytes));
    }

    [Fact]
    public void Key_StringSevenAndNumberSeven_Distinct_EscapedSevenEqualsSeven()
    {
        var number = Id("7");
        var text = Id("\"7\"");
        var escaped = Id("\"\\u0037\"");

        Assert.NotEqual(number.Key, text.Key);
        Assert.Equal(text.Key, escaped.Key);

        var table = new RequestTable();
        Assert.True(table.TryAdd(new PendingRequest(number, "ping")));
        Assert.True(table.TryAdd(new PendingRequest(text, "ping")));
        Assert.False(table.TryAdd(new PendingRequest(escaped, "ping")));
    }

    /// <summary>
    /// <c>-0</c> is the integer 0: servers parse it so and answer id 0 (Python and JavaScript alike), so the answer
    /// must find the request, or the client waits for ever. The echo keeps the request's own bytes.
    /// </summary>
    [Fact]
    public void FromElement_MinusZero_SameKeyAsZeroOwnBytes()
    {
        var minusZero = Id("-0");

        Assert.Equal(Id("0").Key, minusZero.Key);
        Assert.Equal("-0", minusZero.ToString());
    }

    [Theory]
    [InlineData("7")]
    [InlineData("-12")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("-0")]
    [InlineData("\"7\"")]
    public void Raw_AnId_ItsExactBytesAndItsOwnValueForTheAuditLog(string json)
    {
        // An integer's bytes are made from its key when asked for (no copy per message): still the wire's bytes.
        var id = Id(json);

        Assert.Equal(json, Encoding.UTF8.GetString(id.Raw));
        Assert.Equal(json, id.ToJsonElement().GetRawText());
    }

    [Fact]
    public void FromString_GuardId_IsJsonEscaped()
    {
        var id = JsonRpcId.FromString("a\"b");

        Assert.Equal("s:a\"b", id.Key);
        Assert.Equal("\"a\\u0022b\"", id.ToString());
    }

    [Fact]
    public void AddOwn_ClientAlreadyUsesNextGuardId_SkipsIt()
    {
        var table = new RequestTable();
        var first = table.AddOwn("tools/list");
        var taken = JsonRpcId.FromString(first.Id.Key[2..^1] + "2");
        Assert.True(table.TryAdd(new PendingRequest(taken, "ping")));

        var second = table.AddOwn("tools/list");

        Assert.NotEqual(taken.Key, second.Id.Key);
        Assert.NotEqual(first.Id.Key, second.Id.Key);
    }

    private static JsonRpcId Id(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonRpcId.FromElement(document.RootElement)!.Value;
    }
}
