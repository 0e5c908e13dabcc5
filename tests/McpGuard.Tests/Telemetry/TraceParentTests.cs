using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>The W3C traceparent a request carries in <c>_meta</c>: what makes it a parent, and what does not.</summary>
public sealed class TraceParentTests
{
    [Fact]
    public void Valid_IdsFlagsAndState()
    {
        var parent = TraceParent.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE");

        Assert.True(parent.Exists);
        Assert.True(parent.Sampled);
        Assert.Equal(0x4bf92f3577b34da6UL, parent.TraceIdHigh);
        Assert.Equal(0xa3ce929d0e0e4736UL, parent.TraceIdLow);
        Assert.Equal(0x00f067aa0ba902b7UL, parent.SpanId);
        Assert.Equal("congo=t61rcWkgMzE", parent.State);
    }

    [Fact]
    public void NotSampled_Exists()
    {
        var parent = TraceParent.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", null);

        Assert.True(parent.Exists);
        Assert.False(parent.Sampled);
        Assert.Null(parent.State);
    }

    [Fact]
    public void FutureVersion_MayCarryMore()
    {
        const string Future = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes";
        Assert.True(TraceParent.Parse(Future, null).Exists);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")]
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01")]
    public void Invalid_IsNoParent(string? traceParent)
    {
        Assert.False(TraceParent.Parse(traceParent, "congo=t61rcWkgMzE").Exists);
    }
}
