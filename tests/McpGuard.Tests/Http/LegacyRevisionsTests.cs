using McpGuard.Http;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Tests.Http;

public sealed class LegacyRevisionsTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("2024-11-05", true)]
    [InlineData("2025-03-26", true)]
    [InlineData("2025-06-18", true)]
    [InlineData("2025-11-25", true)]
    [InlineData("2026-07-28", false)]
    [InlineData("2025-06-18 ", false)]
    [InlineData("1999-01-01", false)]
    [InlineData("", false)]
    public void Allows_NoHeaderOrAServedRevision(string? header, bool expected)
    {
        var headers = new HeaderDictionary();
        if (header is not null)
        {
            headers[LegacyRevisions.Header] = header;
        }

        Assert.Equal(expected, LegacyRevisions.Allows(headers));
    }

    [Fact]
    public void Allows_TheHeaderTwice_No()
    {
        var headers = new HeaderDictionary { [LegacyRevisions.Header] = new(["2025-06-18", "2025-06-18"]) };

        Assert.False(LegacyRevisions.Allows(headers));
    }
}
