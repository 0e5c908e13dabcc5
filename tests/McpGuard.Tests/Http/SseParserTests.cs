using System.Text;
using McpGuard.Http;

namespace McpGuard.Tests.Http;

/// <summary>The event-stream parser against the HTML standard's rules and its own examples.</summary>
public sealed class SseParserTests
{
    [Theory]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\r\n")]
    public void Feed_EveryLineEnd_SameEvents(string end)
    {
        var events = Parse($"data: one{end}{end}event: custom{end}data: two{end}{end}");

        Assert.Equal([("message", "one"), ("custom", "two")], events.Select(e => (e.Type, Text(e))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Feed_CrlfSplitAcrossChunks_OneLineEnd(int chunkSize)
    {
        // A CR at the end of one chunk and the LF at the start of the next must not make a blank line in between.
        var events = Parse("data: a\r\ndata: b\r\n\r\n", chunkSize);

        Assert.Equal(["a\nb"], events.Select(Text));
    }

    [Fact]
    public void Feed_MultiLineData_JoinedWithLf()
    {
        var events = Parse("data: {\"jsonrpc\":\"2.0\",\ndata:  \"id\":1}\n\n");

        // One leading space is removed per field value, a second one stays.
        Assert.Equal("{\"jsonrpc\":\"2.0\",\n \"id\":1}", Text(Assert.Single(events)));
    }

    [Fact]
    public void Feed_CommentsAndUnknownFields_Ignored()
    {
        var events = Parse(": keep-alive\n:\nfoo: bar\ndata: x\n: between\n\n");

        Assert.Equal(["x"], events.Select(Text));
    }

    [Fact]
    public void Feed_FieldWithoutColon_IsTheWholeLineWithEmptyValue()
    {
        // "data" alone appends an empty line: two of them make the data "\n".
        var events = Parse("data\ndata\n\n");

        Assert.Equal("\n", Text(Assert.Single(events)));
    }

    [Fact]
    public void Feed_EmptyData_StillDispatches()
    {
        Assert.Equal("", Text(Assert.Single(Parse("data:\n\n"))));
    }

    [Fact]
    public void Feed_NoData_NothingDispatchedAndTypeReset()
    {
        var events = Parse("event: ignored\n\ndata: x\n\n");

        Assert.Equal("message", Assert.Single(events).Type);
    }

    [Fact]
    public void Feed_Id_KeptForLaterEventsAndIgnoredWithNull()
    {
        var parser = new SseParser(1 << 20);
        var events = new List<SseEvent>();

        parser.Feed("id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n"u8, events);

        Assert.Equal(["7", "7", "7", ""], events.Select(e => e.LastEventId));
        Assert.Equal("", parser.LastEventId);
    }

    [Theory]
    [InlineData("retry: 3000\n", 3000L)]
    [InlineData("retry: 12a\n", null)]
    [InlineData("retry: -5\n", null)]
    [InlineData("retry:\n", null)]
    public void Feed_Retry_OnlyAsciiDigits(string line, long? expected)
    {
        var parser = new SseParser(1 << 20);

        parser.Feed(Encoding.UTF8.GetBytes(line), []);

        Assert.Equal(expected, parser.RetryMilliseconds);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    public void Feed_LeadingBom_Skipped(int chunkSize)
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat("data: x\n\n"u8.ToArray()).ToArray();

        var events = Parse(bytes, chunkSize);

        Assert.Equal(["x"], events.Select(Text));
    }

    [Fact]
    public void Feed_SecondBom_IsData()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF }.Concat("data: x\n\n"u8.ToArray()).ToArray();

        // The second BOM starts a line whose field is "\uFEFFdata": an unknown field, ignored.
        Assert.Empty(Parse(bytes, 64));
    }

    [Fact]
    public void Feed_EventOpenAtTheEnd_NotDispatched()
    {
        Assert.Equal(["a"], Parse("data: a\n\ndata: b\n").Select(Text));
    }

    [Fact]
    public void Feed_EventPastTheBound_ReturnsFalse()
    {
        var parser = new SseParser(16);

        Assert.False(parser.Feed("data: 0123456789\ndata: 0123456789\n"u8, []));
        Assert.False(new SseParser(16).Feed("data: 01234567890123456789"u8, []));
    }

    [Fact]
    public void Feed_Utf8SplitAnywhere_DataIntact()
    {
        var events = Parse("data: ünïcødé ✓\n\n", 1);

        Assert.Equal("ünïcødé ✓", Text(Assert.Single(events)));
    }

    private static string Text(SseEvent e) => Encoding.UTF8.GetString(e.Data.Span);

    private static List<SseEvent> Parse(string text, int chunkSize = int.MaxValue) =>
        Parse(Encoding.UTF8.GetBytes(text), chunkSize);

    private static List<SseEvent> Parse(byte[] bytes, int chunkSize)
    {
        var parser = new SseParser(1 << 20);
        var events = new List<SseEvent>();
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            Assert.True(parser.Feed(bytes.AsSpan(offset, Math.Min(chunkSize, bytes.Length - offset)), events));
        }

        return events;
    }
}
