using McpGuard.Http;
using MediaTypeHeaderValue = Microsoft.Net.Http.Headers.MediaTypeHeaderValue;

namespace McpGuard.Tests.Http;

public sealed class MediaTypeTests
{
    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("Application/JSON", "application/json")]
    [InlineData("application/json; charset=utf-8", "application/json")]
    [InlineData("  TEXT/Event-Stream ;charset=UTF-8", "text/event-stream")]
    [InlineData("text/event-stream\t", "text/event-stream")]
    public void Essence_CaseAndParameters_Normalised(string header, string expected)
    {
        Assert.Equal(expected, MediaType.Essence(header));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("json")]
    [InlineData("application/")]
    [InlineData("/json")]
    [InlineData("application/js on")]
    [InlineData("application/json/x")]
    public void Essence_NotAMediaType_Null(string? header)
    {
        Assert.Null(MediaType.Essence(header));
    }

    [Fact]
    public void Is_ComparesEssences()
    {
        Assert.True(MediaType.Is("Application/Json; q=1", MediaType.Json));
        Assert.False(MediaType.Is("application/json-seq", MediaType.Json));
    }

    [Theory]
    [InlineData("text/event-stream", true)]
    [InlineData("application/json, text/event-stream", true)]
    [InlineData("Text/Event-Stream; charset=utf-8", true)]
    [InlineData("text/event-stream;q=0.5", true)]
    [InlineData("text/*", true)]
    [InlineData("*/*", true)]
    [InlineData("application/json", false)]
    [InlineData("text/event-stream;q=0", false)]
    [InlineData("text/html", false)]
    [InlineData("", false)]
    public void Accepts_TheTypeOrAWildcardAboveQualityZero(string accept, bool expected)
    {
        var ranges = MediaTypeHeaderValue.ParseList(accept.Length == 0 ? [] : [accept]);

        Assert.Equal(expected, MediaType.Accepts(ranges, MediaType.EventStream));
    }

    [Theory]
    [InlineData("application/json, text/event-stream", true)]
    [InlineData("text/event-stream, application/json", true)]
    [InlineData("Application/JSON,Text/Event-Stream", true)]
    [InlineData("application/json, text/event-stream;q=0", false)]
    [InlineData("application/json; q=0, text/event-stream", false)]
    [InlineData("application/json, text/event-stream, */*", false)]
    [InlineData("application/json", false)]
    [InlineData("", false)]
    public void IsBothAnswers_OnlyWhereTheParseAcceptsBoth(string accept, bool fast)
    {
        var ranges = MediaTypeHeaderValue.ParseList(accept.Length == 0 ? [] : [accept]);
        var parsed = MediaType.Accepts(ranges, MediaType.Json) && MediaType.Accepts(ranges, MediaType.EventStream);

        Assert.Equal(fast, MediaType.IsBothAnswers(accept));
        // The shortcut never says yes where the parse says no.
        Assert.True(!fast || parsed);
    }
}
