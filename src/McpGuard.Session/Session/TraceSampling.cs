using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// Whether a client request's spans are made (the sampler's say), and in which trace: the caller's, when a
/// <c>traceparent</c> in its <c>_meta</c> names one, else a new one (docs/telemetry.md).
/// </summary>
internal static class TraceSampling
{
    /// <summary>
    /// A request without the caller's trace starts a new one, if sampled. No <see cref="TraceParent"/> is made and
    /// copied: a default one's copy on the stack read back 16 bytes across two overlapping stores, which waits for
    /// every store before it, the record's own writes included (bench/HISTORY.md). Unless the sampler decides by the
    /// id (a ratio), the id is left zero and drawn by the exporter's thread (<see cref="OtlpSpanWriter"/>): nothing
    /// reads it before, since the guard never sends its own trace context on.
    /// </summary>
    public static bool Root(RequestTrace request, TraceSampler sampler)
    {
        if (!sampler.ReadsTraceId)
        {
            return sampler.SamplesEveryRoot;
        }

        var (high, low) = TraceIds.New();
        if (!sampler.SamplesRoot(high))
        {
            return false;
        }

        request.TraceIdHigh = high;
        request.TraceIdLow = low;
        return true;
    }

    /// <summary>The caller's trace, from a <c>traceparent</c> in <c>_meta</c>; a new one if it names none.</summary>
    public static bool Joined(RequestTrace request, JsonElement meta, TraceSampler sampler)
    {
        var parent = TraceParent.Parse(Text(meta, "traceparent"u8), Text(meta, "tracestate"u8));
        if (!parent.Exists)
        {
            return Root(request, sampler);
        }

        if (!sampler.Samples(parent, parent.TraceIdHigh))
        {
            return false;
        }

        request.Parent = parent;
        request.TraceIdHigh = parent.TraceIdHigh;
        request.TraceIdLow = parent.TraceIdLow;
        return true;
    }

    /// <summary>A string member of a request's <c>_meta</c>, else null.</summary>
    public static string? Text(JsonElement meta, ReadOnlySpan<byte> name) =>
        meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
