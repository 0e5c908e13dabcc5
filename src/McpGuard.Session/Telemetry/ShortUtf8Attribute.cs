using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace McpGuard.Telemetry;

/// <summary>
/// A string attribute whose key is fixed and whose value is mostly a few UTF-8 bytes (a request id): the bytes in
/// front of the value (<c>KeyValue</c>'s tag and length, the key, <c>AnyValue</c>'s tag and lengths) are kept made,
/// copied with two 16-byte stores, and given their three one-byte lengths; a value of up to 16 bytes is copied byte
/// by byte. The same bytes as <see cref="OtlpAttributes.Utf8"/>, without its header's arithmetic and two calls to
/// <c>Memmove</c> for a few bytes each (~110 of a span's instructions for <c>jsonrpc.request.id</c>; bench/HISTORY.md).
/// A value too long for one-byte lengths is written by <see cref="OtlpAttributes.Utf8"/>.
/// </summary>
internal sealed class ShortUtf8Attribute
{
    /// <summary>What the kept bytes are copied in: two 16-byte vectors.</summary>
    private const int Room = 32;

    private const int ShortValue = 16;

    private readonly byte _tag;
    private readonly byte[] _key;

    /// <summary>The bytes in front of the value, lengths 0, padded to <see cref="Room"/>.</summary>
    private readonly byte[] _head = new byte[Room];

    private readonly int _headLength;

    /// <param name="key">The key's encoding (<see cref="OtlpAttributes.Key"/>); its head must fit in 32 bytes.</param>
    public ShortUtf8Attribute(byte tag, byte[] key)
    {
        _tag = tag;
        _key = key;
        _headLength = 2 + key.Length + 3 + 1;
        if (_headLength > Room)
        {
            throw new ArgumentException("The key is too long for a kept head.", nameof(key));
        }

        _head[0] = tag;
        key.CopyTo(_head.AsSpan(2));
        _head[2 + key.Length] = 0x12; // KeyValue.value
        _head[2 + key.Length + 2] = 0x0A; // AnyValue.string_value
    }

    public void Write(ProtoWriter writer, ReadOnlySpan<byte> value)
    {
        if (_key.Length + value.Length + 4 >= 0x80)
        {
            OtlpAttributes.Utf8(writer, _tag, _key, value);
            return;
        }

        ref var to = ref MemoryMarshal.GetReference(writer.GetSpan(Room + value.Length));
        ref var head = ref MemoryMarshal.GetArrayDataReference(_head);
        Vector128.LoadUnsafe(ref head).StoreUnsafe(ref to);
        Vector128.LoadUnsafe(ref head, 16).StoreUnsafe(ref to, 16);
        var count = (byte)value.Length;
        Unsafe.Add(ref to, 1) = (byte)(_key.Length + count + 4);
        Unsafe.Add(ref to, _headLength - 3) = (byte)(count + 2);
        Unsafe.Add(ref to, _headLength - 1) = count;
        ref var at = ref Unsafe.Add(ref to, _headLength);
        if (value.Length <= ShortValue)
        {
            for (var i = 0; i < value.Length; i++)
            {
                Unsafe.Add(ref at, i) = value[i];
            }
        }
        else
        {
            value.CopyTo(MemoryMarshal.CreateSpan(ref at, value.Length));
        }

        writer.Advance(_headLength + value.Length);
    }
}
