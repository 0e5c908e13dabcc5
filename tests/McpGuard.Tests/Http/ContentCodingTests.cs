using McpGuard.Http;
using Microsoft.Extensions.Primitives;

namespace McpGuard.Tests.Http;

public sealed class ContentCodingTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("identity", null)]
    [InlineData("Identity", null)]
    [InlineData("gzip", "gzip")]
    [InlineData("identity, br", "br")]
    [InlineData("deflate,gzip", "deflate")]
    public void Unsupported_AnyCodingButIdentity(string? header, string? expected)
    {
        var values = header is null ? StringValues.Empty : new StringValues(header);

        Assert.Equal(expected, ContentCoding.Unsupported(values));
    }

    [Fact]
    public void Unsupported_OnTheSecondFieldLine_IsFound_AndALongValueIsCut()
    {
        var coding = new string('x', 500);

        var found = ContentCoding.Unsupported(new StringValues(["identity", coding]));

        Assert.Equal(new string('x', 64) + "…", found);
    }
}
