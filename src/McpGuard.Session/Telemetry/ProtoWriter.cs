using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace McpGuard.Telemetry;

/// <summary>
/// The protobuf wire format, as much as OTLP needs: varints, fixed64/fixed32, length-delimited strings, bytes and
/// embedded messages, written into one growing buffer that the exporter reuses batch after batch. An embedded
/// message's length is not known before its body is written, so <see cref="Begin"/> reserves room for it and
/// <see cref="End"/> writes the real one and moves the body when it took another size: the longest a varint can take
/// by default (the body moves down), or two bytes for a message that is almost always shorter than 16 KiB (a span:
/// nothing moves, unless it is longer).
/// </summary>
internal sealed class ProtoWriter
{
    private const int ReservedLength = 5;

    private byte[] _buffer = new byte[64 * 1024];

    public int Length { get; private set; }

    public ArraySegment<byte> Written => new(_buffer, 0, Length);

    /// <summary>
    /// Starts again with <paramref name="headroom"/> bytes left free at the start, for a header written last in
    /// front of what follows (<see cref="Header"/>).
    /// </summary>
    public void Reset(int headroom = 0)
    {
        Ensure(headroom);
        Length = headroom;
    }

    /// <summary>
    /// The <paramref name="length"/> bytes that end at <paramref name="end"/>, inside the headroom, to be written
    /// in place (a header whose lengths are known once the body is written).
    /// </summary>
    public Span<byte> Header(int end, int length) => _buffer.AsSpan(end - length, length);

    /// <summary>What was written from <paramref name="start"/> on.</summary>
    public ArraySegment<byte> From(int start) => new(_buffer, start, Length - start);

    public static int VarintSize(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    public void Byte(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
    }

    public void Varint(ulong value)
    {
        Ensure(10);
        Length += Varint(_buffer.AsSpan(Length), value);
    }

    /// <summary>Writes <paramref name="value"/> as a varint at the start of <paramref name="to"/>: its size.</summary>
    public static int Varint(Span<byte> to, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            to[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        to[i++] = (byte)value;
        return i;
    }

    public void Fixed64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    public void Fixed32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(Length), value);
        Length += 4;
    }

    /// <summary>A span id as a bytes field, big-endian: OTLP ids are their W3C hex, byte for byte.</summary>
    public void Id(byte tag, ulong value)
    {
        Ensure(10);
        _buffer[Length++] = tag;
        _buffer[Length++] = 8;
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    /// <summary>A trace id (16 bytes) as a bytes field, its high half first.</summary>
    public void Id(byte tag, ulong high, ulong low)
    {
        Ensure(18);
        _buffer[Length++] = tag;
        _buffer[Length++] = 16;
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(Length), high);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(Length + 8), low);
        Length += 16;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>A string's UTF-8 bytes, whose count the caller already has (it wrote the length before them).</summary>
    public void Utf8(string value, int byteCount)
    {
        Ensure(byteCount);
        Length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
    }

    public void String(byte tag, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Byte(tag);
        Varint((ulong)count);
        Utf8(value, count);
    }

    /// <summary>
    /// Starts an embedded message under <paramref name="tag"/> with <paramref name="reserved"/> bytes kept for its
    /// length; returns where its body starts. <see cref="End"/> is given the same reservation.
    /// </summary>
    public int Begin(byte tag, int reserved = ReservedLength)
    {
        Ensure(1 + reserved);
        _buffer[Length++] = tag;
        Length += reserved;
        return Length;
    }

    /// <summary>
    /// Room for at least <paramref name="size"/> bytes at the end, for a caller that writes several fields at once
    /// and then <see cref="Advance"/>s.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Writes again bytes already written at <paramref name="from"/> (a field both spans share).</summary>
    public void Copy(int from, int count)
    {
        Ensure(count);
        _buffer.AsSpan(from, count).CopyTo(_buffer.AsSpan(Length)); // a span copy: fewer checks than BlockCopy's
        Length += count;
    }

    /// <summary>
    /// Ends the embedded message whose body started at <paramref name="body"/> after <paramref name="reserved"/>
    /// bytes for its length; returns where the body starts now (a length shorter than reserved moves it down, a
    /// longer one up).
    /// </summary>
    public int End(int body, int reserved = ReservedLength)
    {
        var length = Length - body;
        var lengthAt = body - reserved;
        if (reserved == 2 && (uint)(length - 0x80) < 0x4000 - 0x80)
        {
            // Two bytes reserved and two taken (a span): nothing moves.
            _buffer[lengthAt] = (byte)(length | 0x80);
            _buffer[lengthAt + 1] = (byte)(length >> 7);
            return body;
        }

        var size = VarintSize((ulong)length);
        if (size > reserved)
        {
            Ensure(size - reserved);
        }

        if (size != reserved)
        {
            _buffer.AsSpan(body, length).CopyTo(_buffer.AsSpan(lengthAt + size));
        }

        Varint(_buffer.AsSpan(lengthAt), (ulong)length);
        Length += size - reserved;
        return lengthAt + size;
    }

    /// <summary>The check inlined where it is made (several times a span); the growing, rare, is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Grow(more);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int more) => Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
}
