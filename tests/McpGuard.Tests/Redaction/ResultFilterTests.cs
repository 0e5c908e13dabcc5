using System.Buffers;
using System.Text;
using McpGuard.Policy.Results;
using McpGuard.Redaction;
using McpGuard.Tests.Policy;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Redaction;

/// <summary>Where the result rules read an answer, and what they make of it.</summary>
public sealed class ResultFilterTests
{
    private const string Secret = "AKIAIOSFODNN7EXAMPLE";

    private static ResultRules Rules(string results) =>
        PolicyTestData.Load("version: 1\ndefault: deny\nresults: " + results + "\n").Results;

    private static FilteredResult Apply(string line, string results, ResultShape shape = ResultShape.ToolResult) =>
        ResultFilter.Apply(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)), Rules(results), shape);

    private static string Redacted(string line, string results, ResultShape shape = ResultShape.ToolResult) =>
        Encoding.UTF8.GetString(Assert.IsType<FilteredResult.Redacted>(Apply(line, results, shape)).Line);

    [Fact]
    public void Apply_TextContent_RedactsOnlyTheMatch()
    {
        var line = $$$"""{"jsonrpc":"2.0","id":9007199254740993,"result":{"content":"""
            + $$$"""[{"type":"text","text":"key id {{{Secret}}}, ok"}]}}""";

        Assert.Equal(
            """{"jsonrpc":"2.0","id":9007199254740993,"result":{"content":"""
                + """[{"type":"text","text":"key id [redacted: secrets], ok"}]}}""",
            Redacted(line, "{ redact: [secrets] }"));
    }

    /// <summary>
    /// A long answer arrives in many reads: the line framer hands it over as a chain of buffer segments, and the
    /// secret (with its AKIA anchor, after a word boundary) straddles segment boundaries and the prefilter's
    /// 16K-character piece boundary;
    /// a two-byte padding character is cut in half by odd segment sizes, and an escape sends the string down the
    /// escaped path.
    /// </summary>
    [Theory]
    [InlineData(1, 'x', false)]
    [InlineData(3, '\u00e9', false)]
    [InlineData(7, '\u00e9', false)]
    [InlineData(7, 'x', true)]
    [InlineData(64, '\u00e9', true)]
    [InlineData(4096, 'x', false)]
    public void Apply_SecretSplitOverBufferSegments_IsStillRedacted(int segmentSize, char pad, bool escaped)
    {
        var padding = new string(pad, 16 * 1024 - 10) + (escaped ? "\\n" : " ");
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"content":"""
            + $$$"""[{"type":"text","text":"{{{padding}}}{{{Secret}}} end"}]}}""";
        var segmented = WireBytes.Segmented(Encoding.UTF8.GetBytes(line), segmentSize);
        Assert.False(segmented.IsSingleSegment);

        var filtered = ResultFilter.Apply(segmented, Rules("{ redact: [secrets] }"), ResultShape.ToolResult);

        Assert.Equal(
            line.Replace(Secret, "[redacted: secrets]", StringComparison.Ordinal),
            Encoding.UTF8.GetString(Assert.IsType<FilteredResult.Redacted>(filtered).Line));
    }

    [Fact]
    public void Apply_LongTextWithoutAnchorOverSegments_IsUntouched()
    {
        var text = new string('x', 100_000);
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"{{{text}}}"}]}}""";

        Assert.IsType<FilteredResult.Untouched>(ResultFilter.Apply(
            WireBytes.Segmented(Encoding.UTF8.GetBytes(line), 4096), Rules("{ redact: [secrets] }"),
            ResultShape.ToolResult));
    }

    [Fact]
    public void Apply_EmbeddedResourceAndStructuredContent_AreRead_KeysMetaAndImagesAreNot()
    {
        var line = $$$"""
            {"jsonrpc":"2.0","id":"7","result":{"_meta":{"x":"{{{Secret}}}"},"content":[
            {"type":"image","data":"{{{Secret}}}","mimeType":"image/png"},
            {"type":"resource","resource":{"uri":"file:///{{{Secret}}}","text":"a {{{Secret}}}"}}],
            "structuredContent":{"{{{Secret}}}":[{"deep":["{{{Secret}}}"]}]},"resultType":"complete"}}
            """.ReplaceLineEndings("");

        var redacted = Redacted(line, "{ redact: [secrets] }");

        Assert.Equal(line.Replace($"\"a {Secret}\"", "\"a [redacted: secrets]\"", StringComparison.Ordinal)
            .Replace($"[\"{Secret}\"]", "[\"[redacted: secrets]\"]", StringComparison.Ordinal), redacted);
    }

    [Fact]
    public void Apply_ResourcesRead_ReadsEachContentsText()
    {
        var line =
            """{"jsonrpc":"2.0","id":1,"result":{"contents":[{"uri":"a://b","text":"mail alice@example.com"}]}}""";

        Assert.Equal(line.Replace("alice@example.com", "[redacted: emails]", StringComparison.Ordinal),
            Redacted(line, "{ redact: [emails] }", ResultShape.ResourceContents));
        Assert.IsType<FilteredResult.Untouched>(Apply(line, "{ redact: [emails] }", ResultShape.ToolResult));
    }

    /// <summary>
    /// A prompts/get result reaches the model as its messages: each message's content (text, an embedded resource's
    /// text, a resource link's title and description) and the prompt's description are read; roles, types, URIs and
    /// image data are not.
    /// </summary>
    [Fact]
    public void Apply_PromptsGet_ReadsEachMessagesContentAndTheDescription()
    {
        var line = """{"jsonrpc":"2.0","id":1,"result":{"description":"for alice@example.com","messages":["""
            + """{"role":"user","content":{"type":"text","text":"mail alice@example.com"}},"""
            + """{"role":"assistant","content":{"type":"resource","resource":{"uri":"a://alice@example.com","""
            + "\"text\":\"from alice@example.com\"}}},"
            + """{"role":"user","content":{"type":"resource_link","uri":"a://b","name":"alice@example.com","""
            + "\"title\":\"by alice@example.com\"}},"
            + """{"role":"user","content":{"type":"image","data":"alice@example.com","mimeType":"image/png"}}]}}""";

        var redacted = Redacted(line, "{ redact: [emails] }", ResultShape.PromptMessages);

        Assert.Equal(
            line.Replace("for alice@example.com", "for [redacted: emails]", StringComparison.Ordinal)
                .Replace("mail alice@example.com", "mail [redacted: emails]", StringComparison.Ordinal)
                .Replace("from alice@example.com", "from [redacted: emails]", StringComparison.Ordinal)
                .Replace("by alice@example.com", "by [redacted: emails]", StringComparison.Ordinal),
            redacted);
        Assert.IsType<FilteredResult.Untouched>(Apply(line, "{ redact: [emails] }", ResultShape.ResourceContents));
    }

    [Fact]
    public void Apply_BlockDetectorMatches_BlocksAndCounts()
    {
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"content":"""
            + $$$"""[{"type":"text","text":"{{{Secret}}} and {{{Secret}}}"}]}}""";

        var blocked = Assert.IsType<FilteredResult.Blocked>(Apply(line, "{ redact: [emails], block: [secrets] }"));

        Assert.Equal("secrets", blocked.Detector);
        Assert.Equal(2, blocked.Counts["secrets"]);
    }

    [Fact]
    public void Apply_LargerThanMaxBytes_IsTooLarge()
    {
        var line = """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"0123456789"}]}}""";

        var tooLarge = Assert.IsType<FilteredResult.TooLarge>(Apply(line, "{ max_bytes: 64 }"));

        Assert.Equal(Encoding.UTF8.GetByteCount(line), tooLarge.Bytes);
        Assert.Equal(64, tooLarge.Limit);
        Assert.IsType<FilteredResult.Untouched>(Apply(line, "{ max_bytes: 1KB }"));
    }

    [Fact]
    public void Apply_LoneSurrogateEscapeInText_BlocksBecauseItCannotBeRead()
    {
        var line = """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"a\ud800b"}]}}""";

        Assert.Equal(
            ResultFilter.UnreadableText,
            Assert.IsType<FilteredResult.Blocked>(Apply(line, "{ redact: [secrets] }")).Detector);
    }

    [Fact]
    public void Apply_RedactedText_IsReEscapedValidly()
    {
        var line = $$$"""{"jsonrpc":"2.0","id":1,"result":{"content":"""
            + $$$"""[{"type":"text","text":"\"q\"\n\u00e9 {{{Secret}}} \u2028😀"}]}}""";

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"content":"""
                + """[{"type":"text","text":"\"q\"\né [redacted: secrets] \u2028\uD83D\uDE00"}]}}""",
            Redacted(line, "{ redact: [secrets] }"));
    }

    /// <summary>
    /// structuredContent says <c>{"api_key":"…"}</c> as surely as a text does: the member's name is the assignment's
    /// name, so the value is redacted as it is in the same JSON written as text, and a page token or a short value
    /// stays.
    /// </summary>
    [Fact]
    public void Apply_StructuredMemberNamedLikeASecret_RedactsItsValue()
    {
        var line = Json("{'jsonrpc':'2.0','id':1,'result':{'content':[],'structuredContent':{'result':"
            + "{'apiKey':'zR8mK2pQ9vL3nT7wY5xA','password':'Xk9#mP2vL8qR','nextPageToken':'zR8mK2pQ9vL3nT7wY5xA',"
            + "'secret':'short','ids':['zR8mK2pQ9vL3nT7wY5xA']}}}}");

        Assert.Equal(
            Json("{'jsonrpc':'2.0','id':1,'result':{'content':[],'structuredContent':{'result':"
                + "{'apiKey':'[redacted: secrets]','password':'[redacted: secrets]',"
                + "'nextPageToken':'zR8mK2pQ9vL3nT7wY5xA','secret':'short','ids':['zR8mK2pQ9vL3nT7wY5xA']}}}}"),
            Redacted(line, "{ redact: [secrets] }"));
        Assert.IsType<FilteredResult.Blocked>(Apply(line, "{ block: [secrets] }"));
    }

    /// <summary>The answers here are written with single quotes, for legibility, and sent with double ones.</summary>
    private static string Json(string singleQuoted) => singleQuoted.Replace('\'', '"');

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_ErrorAnswer_ReadsItsMessageAndEveryStringOfItsData(bool resourcesRead)
    {
        var shape = resourcesRead ? ResultShape.ResourceContents : ResultShape.ToolResult;
        var line = Json($"{{'jsonrpc':'2.0','id':3,'error':{{'code':-32000,'message':'bad key {Secret}',"
            + $"'data':{{'{Secret}':['was {Secret}',7],'hint':'{Secret}'}}}}}}");

        Assert.Equal(
            Json("{'jsonrpc':'2.0','id':3,'error':{'code':-32000,'message':'bad key [redacted: secrets]',"
                + $"'data':{{'{Secret}':['was [redacted: secrets]',7],'hint':'[redacted: secrets]'}}}}}}"),
            Redacted(line, "{ redact: [secrets] }", shape));
        Assert.Equal(
            "secrets",
            Assert.IsType<FilteredResult.Blocked>(Apply(line, "{ block: [secrets] }", shape)).Detector);
    }

    [Fact]
    public void Apply_ResourceLink_ReadsItsTitleAndDescription_NotItsUriOrName()
    {
        var line = Json($"{{'jsonrpc':'2.0','id':1,'result':{{'content':[{{'type':'resource_link',"
            + $"'uri':'file:///{Secret}','name':'{Secret}','title':'t {Secret}','description':'d {Secret}'}}]}}}}");

        Assert.Equal(
            Json("{'jsonrpc':'2.0','id':1,'result':{'content':[{'type':'resource_link',"
                + $"'uri':'file:///{Secret}','name':'{Secret}','title':'t [redacted: secrets]',"
                + "'description':'d [redacted: secrets]'}]}}"),
            Redacted(line, "{ redact: [secrets] }"));
    }
}
