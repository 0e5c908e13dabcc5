using System.Numerics;

namespace McpGuard.Telemetry;

/// <summary>
/// New trace ids for one thread (the span exporter's): xoshiro256**, the generator <see cref="Random"/> itself uses,
/// seeded from <see cref="Random.Shared"/>, without <see cref="TraceIds.New"/>'s byte buffer and shared instance (a
/// hundred instructions a trace; bench/HISTORY.md).
/// </summary>
internal sealed class TraceIdSource
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public TraceIdSource()
    {
        do
        {
            (_s0, _s1) = TraceIds.New();
            (_s2, _s3) = TraceIds.New();
        }
        while ((_s0 | _s1 | _s2 | _s3) == 0);
    }

    public (ulong High, ulong Low) Next()
    {
        var (high, low) = (NextUInt64(), NextUInt64());
        return high == 0 && low == 0 ? (1, 0) : (high, low);
    }

    private ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }
}
