using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// OTEL_TRACES_SAMPLER and _ARG as docs/telemetry.md lists them: the default follows the caller's sampled flag and
/// keeps every root; a ratio keeps a root by its trace id, as the OpenTelemetry .NET SDK decides it.
/// </summary>
public sealed class TraceSamplerTests
{
    private static readonly TraceParent s_sampledParent = new(1, 2, 3, Flags: 1, State: null);
    private static readonly TraceParent s_unsampledParent = new(1, 2, 3, Flags: 0, State: null);

    [Fact]
    public void Default_FollowsTheParent_KeepsRoots()
    {
        var sampler = Sampler(null, null);

        Assert.True(sampler.Samples(default, 0xFFFF_0000_0000_0000));
        Assert.True(sampler.Samples(s_sampledParent, 1));
        Assert.False(sampler.Samples(s_unsampledParent, 1));
    }

    [Theory]
    [InlineData("always_on", true, true)]
    [InlineData("ALWAYS_ON", true, true)]
    [InlineData("always_off", false, false)]
    [InlineData("parentbased_always_off", false, true)]
    [InlineData("parentbased_always_on", true, true)]
    [InlineData("jaeger_remote", true, true)]
    public void Named_RootAndSampledParent(string name, bool root, bool underSampledParent)
    {
        var sampler = Sampler(name, null);

        Assert.Equal(root, sampler.Samples(default, 42));
        Assert.Equal(underSampledParent, sampler.Samples(s_sampledParent, 42));
    }

    [Fact]
    public void AlwaysOn_IgnoresAnUnsampledParent()
    {
        Assert.True(Sampler("always_on", null).Samples(s_unsampledParent, 1));
        Assert.False(Sampler("always_off", null).Samples(s_sampledParent, 1));
    }

    [Fact]
    public void TraceIdRatio_KeepsIdsBelowTheBound_InAbsoluteValue()
    {
        var sampler = Sampler("traceidratio", "0.25");

        Assert.True(sampler.Samples(default, 0x1000_0000_0000_0000)); // 1/8 of the range
        Assert.False(sampler.Samples(default, 0x4000_0000_0000_0000)); // 1/2
        Assert.True(sampler.Samples(default, 0xF000_0000_0000_0000)); // -1/8: the absolute value counts
        Assert.False(sampler.Samples(default, 0x8000_0000_0000_0000)); // long.MinValue
        Assert.True(sampler.Samples(s_unsampledParent, 0)); // not parent-based: the id decides
    }

    [Fact]
    public void ParentBasedTraceIdRatio_RatioForRoots_ParentOtherwise()
    {
        var sampler = Sampler("parentbased_traceidratio", "0.1");

        Assert.True(sampler.Samples(default, 0x0100_0000_0000_0000));
        Assert.False(sampler.Samples(default, 0x7000_0000_0000_0000));
        Assert.True(sampler.Samples(s_sampledParent, 0x7000_0000_0000_0000));
        Assert.False(sampler.Samples(s_unsampledParent, 0));
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("1.5", true)]
    [InlineData("-0.2", true)]
    [InlineData("half", true)]
    public void RatioArgument_OutsideZeroToOne_IsOne(string argument, bool keepsAnyId)
    {
        Assert.Equal(keepsAnyId, Sampler("traceidratio", argument).Samples(default, 0x7FFF_FFFF_FFFF_FFFF));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("always_on", null, true)]
    [InlineData("always_off", null, false)]
    [InlineData("parentbased_always_off", null, false)]
    [InlineData("traceidratio", "1", true)]
    [InlineData("traceidratio", "0", false)]
    public void WithoutARatio_EveryRootsFate_IsKnownWithoutItsId(string? name, string? argument, bool keeps)
    {
        var sampler = Sampler(name, argument);

        Assert.False(sampler.ReadsTraceId);
        Assert.Equal(keeps, sampler.SamplesEveryRoot);
        Assert.Equal(keeps, sampler.SamplesRoot(0x7FFF_FFFF_FFFF_FFFF));
        Assert.Equal(keeps, sampler.SamplesRoot(0));
    }

    [Fact]
    public void WithARatio_ARootsFate_ReadsItsId()
    {
        Assert.True(Sampler("parentbased_traceidratio", "0.5").ReadsTraceId);
    }

    [Fact]
    public void RatioSample_OfManyRandomIds_IsNearTheRatio()
    {
        var sampler = Sampler("traceidratio", "0.1");
        var random = new Random(7);

        var kept = Enumerable.Range(0, 100_000)
            .Count(_ => sampler.Samples(default, (ulong)random.NextInt64(long.MinValue, long.MaxValue)));

        Assert.InRange(kept, 9_000, 11_000);
    }

    private static TraceSampler Sampler(string? name, string? argument) => TraceSampler.FromEnvironment(variable =>
        variable switch
        {
            "OTEL_TRACES_SAMPLER" => name,
            "OTEL_TRACES_SAMPLER_ARG" => argument,
            _ => null,
        });
}
