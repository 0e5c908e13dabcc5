using McpGuard.Policy.Limits;

namespace McpGuard.Tests.Policy.Limits;

/// <summary>A refusal's "retry after" and <c>mcpguard limits</c>' "frees up in" read the same, rounded up.</summary>
public sealed class WaitTextTests
{
    [Theory]
    [InlineData(0.2, "1s")]
    [InlineData(45, "45s")]
    [InlineData(60, "1m")]
    [InlineData(200, "3m 20s")]
    [InlineData(3599.5, "1h")]
    [InlineData(3601, "1h 1m")]
    [InlineData(86340, "23h 59m")]
    [InlineData(86341, "1d")]
    [InlineData(86400, "1d")]
    [InlineData(183600, "2d 3h")]
    [InlineData(183601, "2d 4h")]
    public void Of_Wait_IsWrittenAsAPersonReadsItNeverShorter(double seconds, string expected) =>
        Assert.Equal(expected, WaitText.Of(TimeSpan.FromSeconds(seconds)));
}
