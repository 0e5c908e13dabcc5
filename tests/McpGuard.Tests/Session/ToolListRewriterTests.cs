using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGuard.Policy.Risk;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// docs/relay.md#server--client: hidden tools are cut out of every tools/list page; every other byte stays as the
/// server wrote it.
/// </summary>
public sealed class ToolListRewriterTests
{
    private const string A =
        """{"name":"a","description":"caf\u00e9 \"q\" é","inputSchema":{"type":"object","properties":"""
        + """{"tools":{"type":"array"},"name":{"type":"string","const":"secret"}}},"x-vendor":{"k":[1,2]}}""";
    private const string Secret =
        """{"inputSchema":{"type":"object"},"name":"secret","annotations":{"destructiveHint":true}}""";
    private const string B = """{"name":"b","annotations":{"readOnlyHint":true,"destructiveHint":false,"title":"B"}}""";
    private const string Echo = """{"name":"ech\u006f","inputSchema":{"type":"object"}}""";

    public static TheoryData<string, string[]> HiddenSets => new()
    {
        { "secret", ["secret"] },
        { "first", ["a"] },
        { "last", ["echo"] },
        { "two", ["a", "b"] },
        { "all", ["a", "secret", "b", "echo"] },
    };

    [Theory]
    [MemberData(nameof(HiddenSets))]
    public void Rewrite_HiddenTools_CutOutAndEverythingElseByteIdentical(string kase, string[] hidden)
    {
        string[] tools = [A, Secret, B, Echo];
        string[] names = ["a", "secret", "b", "echo"];
        var kept = tools.Where((_, i) => !hidden.Contains(names[i]));

        var rewritten = ToolListRewriter.Rewrite(Line(Page(tools)), (name, _) => hidden.Contains(name), out var page);

        Assert.NotNull(rewritten);
        Assert.True(Page(kept) == Encoding.UTF8.GetString(rewritten), kase);
        Assert.Equal(names.Where(n => !hidden.Contains(n)), page!.Tools.Select(t => t.Name));
        Assert.Equal("c\u00e9-1", page.NextCursor);
    }

    [Fact]
    public void Rewrite_NothingHidden_ReturnsNullToForwardTheOriginal()
    {
        var rewritten = ToolListRewriter.Rewrite(Line(Page([A, Secret, B, Echo])), (_, _) => false, out var page);

        Assert.Null(rewritten);
        Assert.Equal(["a", "secret", "b", "echo"], page!.Tools.Select(t => t.Name));
        Assert.False(page.IsLastPage);
    }

    [Fact]
    public void Rewrite_NestedToolsKeysElsewhere_Untouched()
    {
        const string Tail = """]},"x":{"result":{"tools":[{"name":"secret"}]}}}""";
        var line = """{"jsonrpc":"2.0","id":1,"result":{"_meta":{"tools":[{"name":"secret"}]},"tools":[""" + Secret
            + "," + A + Tail;

        var rewritten = ToolListRewriter.Rewrite(Line(line), (name, _) => name == "secret", out _);

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"_meta":{"tools":[{"name":"secret"}]},"tools":[""" + A + Tail,
            Encoding.UTF8.GetString(rewritten!));
    }

    [Fact]
    public void Rewrite_PrettyPrintedAndSegmented_CutsOnlyTheHiddenElement()
    {
        var line = $$$"""{ "jsonrpc" : "2.0" , "id" : 1 , "result" : { "tools" """
            + $$$""": [ {{{A}}} , {{{Secret}}} ] , "nextCursor" : "n" } }""";

        var rewritten = ToolListRewriter.Rewrite(
            WireBytes.Segmented(Encoding.UTF8.GetBytes(line), 7), (name, _) => name == "secret", out var page);

        Assert.Equal(
            $$$"""{ "jsonrpc" : "2.0" , "id" : 1 , "result" : { "tools" : [{{{A}}}] , "nextCursor" : "n" } }""",
            Encoding.UTF8.GetString(rewritten!));
        Assert.Equal("n", page!.NextCursor);
    }

    [Fact]
    public void Rewrite_LastPage_NoCursor()
    {
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"tools":[{{{A}}}]}}""";

        ToolListRewriter.Rewrite(Line(line), (_, _) => false, out var page);

        Assert.True(page!.IsLastPage);
    }

    [Fact]
    public void ReadPage_Annotations_ReadIntoToolHints()
    {
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"tools":[{{{A}}},{{{Secret}}},{{{B}}}"""
            + $$$""",{"name":"odd","annotations":{"readOnlyHint":"true","destructiveHint":1}}"""
            + $$$""",{"name":"bad","annotations":[]}]}}""";
        var seen = new Dictionary<string, ToolHints?>();

        ToolListRewriter.Rewrite(Line(line), (name, hints) => { seen[name] = hints; return false; }, out var page);

        Assert.Null(seen["a"]);
        Assert.Equal(new ToolHints { DestructiveHint = true }, seen["secret"]);
        Assert.Equal(new ToolHints { ReadOnlyHint = true, DestructiveHint = false }, seen["b"]);
        Assert.Equal(new ToolHints(), seen["odd"]);
        Assert.Null(seen["bad"]);
        Assert.Equal(seen.Keys, page!.Tools.Select(t => t.Name));
    }

    [Fact]
    public void Rewrite_ToolsWithoutStringName_PassedOnButNeverListed()
    {
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":5},"text",{"title":"x"},{{{Secret}}}]}}""";

        var rewritten = ToolListRewriter.Rewrite(Line(line), (name, _) => name == "secret", out var page);

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":5},"text",{"title":"x"}]}}""",
            Encoding.UTF8.GetString(rewritten!));
        Assert.Empty(page!.Tools);
    }

    [Fact]
    public void Rewrite_NameEscapingLoneSurrogate_PassedOnButNeverListed()
    {
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"x\ud800"},{{{Secret}}}]}}""";

        var rewritten = ToolListRewriter.Rewrite(Line(line), (name, _) => name == "secret", out var page);

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"x\ud800"}]}}""",
            Encoding.UTF8.GetString(rewritten!));
        Assert.Empty(page!.Tools);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no tools"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"tools":{}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":[]}""")]
    public void Rewrite_NoToolsArray_ForwardedUnchangedAndNoPage(string line)
    {
        Assert.Null(ToolListRewriter.Rewrite(Line(line), (_, _) => true, out var page));
        Assert.Null(page);
    }

    /// <summary>
    /// Parsers disagree on duplicate keys (last wins in JsonElement, first in a forward reader), so a page with
    /// two <c>tools</c> arrays could carry a hidden tool past the cut. The guard refuses to read such a page.
    /// </summary>
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"secret"}],"tools":[{"name":"a"}]}}""")]
    [InlineData(
        """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"a"}]}"""
            + ""","result":{"tools":[{"name":"secret"}]}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"a","name":"secret"}]}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"secret","n\u0061me":"a"}]}}""")]
    public void Rewrite_DuplicateKeys_RefusedNotForwarded(string line)
    {
        Assert.ThrowsAny<JsonException>(
            () => ToolListRewriter.Rewrite(Line(line), (name, _) => name == "secret", out _));
    }

    private static string Page(IEnumerable<string> tools) =>
        """{"jsonrpc":"2.0","id":"req-\u0031","result":{"tools":[""" + string.Join(",", tools) +
        """],"nextCursor":"c\u00e9-1","x-extra":{"tools":[{"name":"secret"}]}},"x-top":true}""";

    private static ReadOnlySequence<byte> Line(string text) => new(Encoding.UTF8.GetBytes(text));
}
