using System.Buffers.Binary;

namespace McpGuard.Telemetry;

/// <summary>New trace ids: 128 random bits, never all zero (W3C Trace Context: an all-zero id is invalid).</summary>
internal static class TraceIds
{
    public static (ulong High, ulong Low) New()
    {
        Span<byte> id = stackalloc byte[16]; // one draw of 128 bits
        Random.Shared.NextBytes(id);
        var (high, low) = (BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt64BigEndian(id[8..]));
        return high == 0 && low == 0 ? (1, 0) : (high, low);
    }
}
