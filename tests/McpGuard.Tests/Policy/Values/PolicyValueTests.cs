using System.Text.Json;
using McpGuard.Policy.Json;
using McpGuard.Policy.Values;

namespace McpGuard.Tests.Policy.Values;

/// <summary>
/// A policy's text compared with an argument's string through its UTF-8 bytes: the same answers as comparing
/// with the string (escapes decoded, non-ASCII text, a lone surrogate on either side).
/// </summary>
public sealed class PolicyValueTests
{
    [Theory]
    [InlineData("BTCUSDT", "\"BTCUSDT\"", true)]
    [InlineData("BTCUSDT", "\"ETHUSDT\"", false)]
    [InlineData("BTCUSDT", "\"BTCUSD\"", false)]
    [InlineData("BTCUSDT", "\"\\u0042TCUSDT\"", true)]
    [InlineData("café", "\"café\"", true)]
    [InlineData("café", "\"caf\\u00e9\"", true)]
    [InlineData("café", "\"cafe\"", false)]
    [InlineData("BTCUSDT", "\"\\ud800\"", false)]
    [InlineData("BTCUSDT", "7", null)]
    [InlineData("BTCUSDT", "null", null)]
    public void EqualsArgument_Text_AsTheStringComparesIt(string text, string argument, bool? expected)
    {
        var value = PolicyValue.FromScalar(text, quoted: true);
        using var document = JsonDocument.Parse(argument);

        Assert.Equal(expected, value.EqualsArgument(document.RootElement));
        Assert.Equal(JsonText.TryValueEquals(document.RootElement, text), value.EqualsArgument(document.RootElement));
    }

    [Fact]
    public void EqualsArgument_TextNoUtf8CanHold_ComparesByTheString()
    {
        // A lone surrogate: no UTF-8 bytes; the document's string compare decides, as before (never equal).
        var value = PolicyValue.FromScalar("\ud800", quoted: true);
        using var document = JsonDocument.Parse("\"x\"");

        Assert.False(value.EqualsArgument(document.RootElement));
    }

    [Fact]
    public void Equals_SameValues_EqualWhateverTheirBytes()
    {
        var a = PolicyValue.FromScalar("spot", quoted: false);
        var b = PolicyValue.FromScalar(new string("spot".ToCharArray()), quoted: false);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, PolicyValue.FromScalar("spots", quoted: false));
    }
}
