using McpGuard.Audit;

namespace McpGuard.Tests.Audit;

public sealed class CallIdsTests
{
    [Theory]
    [InlineData(1L, "0a1b2c3d4e5f6071-1")]
    [InlineData(9L, "0a1b2c3d4e5f6071-9")]
    [InlineData(10L, "0a1b2c3d4e5f6071-10")]
    [InlineData(99L, "0a1b2c3d4e5f6071-99")]
    [InlineData(100L, "0a1b2c3d4e5f6071-100")]
    [InlineData(long.MaxValue, "0a1b2c3d4e5f6071-9223372036854775807")]
    public void Format_IsTheSessionADashAndTheNumber_ForEveryDigitCount(long sequence, string expected) =>
        Assert.Equal(expected, CallIds.Format("0a1b2c3d4e5f6071", sequence));

    [Fact]
    public void NullAuditLog_NewCallId_CountsUpFromOneUnderOneSession()
    {
        using var log = new NullAuditLog();
        var first = log.NewCallId();
        var session = first[..first.IndexOf('-', StringComparison.Ordinal)];
        Assert.Equal(session + "-1", first);
        Assert.Equal(session + "-2", log.NewCallId());
    }
}
