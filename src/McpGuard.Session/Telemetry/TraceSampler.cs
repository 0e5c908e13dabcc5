using System.Globalization;

namespace McpGuard.Telemetry;

/// <summary>
/// Which requests get spans, from the standard variables <c>OTEL_TRACES_SAMPLER</c> and <c>OTEL_TRACES_SAMPLER_ARG</c>
/// (docs/telemetry.md): <c>always_on</c>, <c>always_off</c>, <c>traceidratio</c>, and each as
/// <c>parentbased_*</c>, which follows the caller's <c>sampled</c> flag when a <c>traceparent</c> came with the
/// request. The default, as in every OpenTelemetry SDK, is <c>parentbased_always_on</c>; an unknown name falls back
/// to it, and a ratio that is not a number in [0, 1] to 1. Metrics are never sampled.
/// </summary>
internal sealed class TraceSampler
{
    public static readonly TraceSampler Default = new(parentBased: true, ratio: 1);

    private readonly bool _parentBased;

    /// <summary>
    /// A root trace is kept when the first 8 bytes of its id, read as a signed big-endian number, are below this in
    /// absolute value: the OpenTelemetry .NET SDK's rule, so the guard decides a trace id as a .NET service would.
    /// </summary>
    private readonly long _bound;

    private TraceSampler(bool parentBased, double ratio)
    {
        _parentBased = parentBased;
        _bound = ratio <= 0 ? long.MinValue : ratio >= 1 ? long.MaxValue : (long)(ratio * long.MaxValue);
        ReadsTraceId = _bound is not (long.MaxValue or long.MinValue);
        SamplesEveryRoot = _bound == long.MaxValue;
    }

    public static TraceSampler FromEnvironment(Func<string, string?> environment)
    {
        var name = environment("OTEL_TRACES_SAMPLER")?.Trim().ToLowerInvariant();
        var ratio = double.TryParse(environment("OTEL_TRACES_SAMPLER_ARG"), NumberStyles.Float,
            CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : 1;
        return name switch
        {
            "always_on" => new(parentBased: false, ratio: 1),
            "always_off" => new(parentBased: false, ratio: 0),
            "traceidratio" => new(parentBased: false, ratio),
            "parentbased_always_off" => new(parentBased: true, ratio: 0),
            "parentbased_traceidratio" => new(parentBased: true, ratio),
            _ => Default,
        };
    }

    /// <summary>
    /// True when a root request's fate depends on its trace id (a ratio): else the id need not exist to decide.
    /// </summary>
    public bool ReadsTraceId { get; }

    /// <summary>
    /// Where the id is not read (<see cref="ReadsTraceId"/>), every root request's fate: kept (<c>always_on</c>, the
    /// default) or not; two fields read on the relay's path rather than two calls (bench/HISTORY.md).
    /// </summary>
    public bool SamplesEveryRoot { get; }

    /// <summary>True when the request's spans are recorded.</summary>
    /// <param name="traceIdHigh">The first 8 bytes of the request's trace id (the caller's, or a new one).</param>
    public bool Samples(in TraceParent parent, ulong traceIdHigh)
    {
        return _parentBased && parent.Exists ? parent.Sampled : SamplesRoot(traceIdHigh);
    }

    /// <summary>
    /// True when a request with no caller's trace gets spans: <see cref="Samples"/> without a parent, for a caller
    /// that has made no <see cref="TraceParent"/> (the relay's common path, bench/HISTORY.md).
    /// </summary>
    public bool SamplesRoot(ulong traceIdHigh)
    {
        if (_bound is long.MaxValue or long.MinValue)
        {
            return _bound == long.MaxValue;
        }

        var value = (long)traceIdHigh;
        return (value == long.MinValue ? long.MaxValue : Math.Abs(value)) < _bound;
    }
}
