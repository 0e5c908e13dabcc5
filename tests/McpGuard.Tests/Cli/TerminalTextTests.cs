using McpGuard;

namespace McpGuard.Tests.Cli;

/// <summary>What a terminal is shown of a server's or an agent's text (docs/results.md: never printed raw).</summary>
public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("place_order\u200B", "place_order\\u200B")]
    [InlineData("get_\U000E0041x", "get_\\uDB40\\uDC41x")]
    [InlineData("a\u001b[2Jb", "a\\u001B[2Jb")]
    public void Printable_HiddenCharacters_ShownAsEscapes(string text, string shown)
    {
        Assert.Equal(shown, TerminalText.Printable(text));
    }

    /// <summary>In code, not theory data: xUnit's data serialisation turns a lone surrogate into U+FFFD.</summary>
    [Fact]
    public void Printable_LoneSurrogates_ShownAsEscapes_BesideAPairShownAsItIs()
    {
        Assert.Equal("lone \\uD800 high", TerminalText.Printable("lone \uD800 high"));
        Assert.Equal("lone \\uDC00 low", TerminalText.Printable("lone \uDC00 low"));
        Assert.Equal("\\uD800\U0001F600", TerminalText.Printable("\uD800\U0001F600"));
        Assert.Equal("\U0001F600\\uDC00", TerminalText.Printable("\U0001F600\uDC00"));
    }

    /// <summary>
    /// A visible character beyond U+FFFF (an emoji, CJK extension B) is two UTF-16 units that are each a
    /// surrogate: shown as it is, not with its low half escaped (it was, in a91f091's first version).
    /// </summary>
    [Theory]
    [InlineData("rocket \U0001F680 launch")]
    [InlineData("\U00020000\U0001F600")]
    [InlineData("plain text")]
    public void Printable_VisibleText_Unchanged(string text)
    {
        Assert.Same(text, TerminalText.Printable(text));
    }
}
