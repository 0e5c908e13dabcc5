using System.Text;

namespace McpGuard.Telemetry;

/// <summary>
/// OTLP's <c>KeyValue</c> attributes written straight into a <see cref="ProtoWriter"/>: the key's part of each is
/// encoded once (<see cref="Key"/>), so an attribute costs its value's bytes and a few length bytes.
/// </summary>
internal static class OtlpAttributes
{
    /// <summary>A header's bytes besides the key: the tags and three lengths of at most 5 bytes each.</summary>
    private const int MaxHeader = 18;

    /// <summary><c>KeyValue.key</c> (field 1) with its length and bytes.</summary>
    public static byte[] Key(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        return [0x0A, .. Varint(bytes.Length), .. bytes];
    }

    /// <summary>
    /// A string attribute under <paramref name="tag"/> (a span's field 9, a resource's field 1); none for null.
    /// </summary>
    public static void String(ProtoWriter writer, byte tag, byte[] key, string? value)
    {
        if (value is null)
        {
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        var to = writer.GetSpan(key.Length + MaxHeader + count);
        var at = Header(to, tag, key, count);
        writer.Advance(at + Encoding.UTF8.GetBytes(value, to[at..]));
    }

    /// <summary>A string attribute whose value is already UTF-8 (a request id's JSON bytes).</summary>
    public static void Utf8(ProtoWriter writer, byte tag, byte[] key, ReadOnlySpan<byte> value)
    {
        var to = writer.GetSpan(key.Length + MaxHeader + value.Length);
        var at = Header(to, tag, key, value.Length);
        value.CopyTo(to[at..]);
        writer.Advance(at + value.Length);
    }

    public static void Int(ProtoWriter writer, byte tag, byte[] key, long value)
    {
        var any = 1 + ProtoWriter.VarintSize((ulong)value);
        writer.Byte(tag);
        writer.Varint((ulong)(key.Length + 1 + ProtoWriter.VarintSize((ulong)any) + any));
        writer.Raw(key);
        writer.Byte(0x12);
        writer.Varint((ulong)any);
        writer.Byte(0x18); // AnyValue.int_value
        writer.Varint((ulong)value);
    }

    public static void Bool(ProtoWriter writer, byte tag, byte[] key, bool value)
    {
        writer.Byte(tag);
        writer.Varint((ulong)(key.Length + 4));
        writer.Raw(key);
        writer.Byte(0x12);
        writer.Byte(2);
        writer.Byte(0x10); // AnyValue.bool_value
        writer.Byte(value ? (byte)1 : (byte)0);
    }

    public static void Double(ProtoWriter writer, byte tag, byte[] key, double value)
    {
        writer.Byte(tag);
        writer.Varint((ulong)(key.Length + 11));
        writer.Raw(key);
        writer.Byte(0x12);
        writer.Byte(9);
        writer.Byte(0x21); // AnyValue.double_value
        writer.Fixed64(BitConverter.DoubleToUInt64Bits(value));
    }

    /// <summary>
    /// KeyValue { key, value: AnyValue { string_value } } up to the string's bytes, written at the start of
    /// <paramref name="to"/>; returns how many bytes that took.
    /// </summary>
    private static int Header(Span<byte> to, byte tag, byte[] key, int count)
    {
        if (key.Length + count + 4 < 0x80)
        {
            // A short value (an id, a word): every length is one byte.
            to[0] = tag;
            to[1] = (byte)(key.Length + count + 4);
            key.CopyTo(to[2..]);
            var after = 2 + key.Length;
            to[after] = 0x12; // KeyValue.value
            to[after + 1] = (byte)(count + 2);
            to[after + 2] = 0x0A; // AnyValue.string_value
            to[after + 3] = (byte)count;
            return after + 4;
        }

        var any = 1 + ProtoWriter.VarintSize((ulong)count) + count;
        to[0] = tag;
        var at = 1 + ProtoWriter.Varint(to[1..], (ulong)(key.Length + 1 + ProtoWriter.VarintSize((ulong)any) + any));
        key.CopyTo(to[at..]);
        at += key.Length;
        to[at++] = 0x12; // KeyValue.value
        at += ProtoWriter.Varint(to[at..], (ulong)any);
        to[at++] = 0x0A; // AnyValue.string_value
        return at + ProtoWriter.Varint(to[at..], (ulong)count);
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        var rest = (uint)value;
        while (rest >= 0x80)
        {
            bytes.Add((byte)(rest | 0x80));
            rest >>= 7;
        }

        bytes.Add((byte)rest);
        return [.. bytes];
    }
}
