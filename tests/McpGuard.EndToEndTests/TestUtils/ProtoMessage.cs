using System.Buffers.Binary;
using System.Text;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP requests in tests without the OTLP proto classes: a message
/// is its fields, each a number with a varint, a fixed value or bytes (a string or an embedded message).
/// </summary>
internal sealed class ProtoMessage
{
    private readonly List<(int Number, ulong Scalar, byte[]? Bytes)> _fields = [];

    public ProtoMessage(ReadOnlySpan<byte> data)
    {
        var position = 0;
        while (position < data.Length)
        {
            var key = ReadVarint(data, ref position);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    _fields.Add((number, ReadVarint(data, ref position), null));
                    break;
                case 1:
                    _fields.Add((number, BinaryPrimitives.ReadUInt64LittleEndian(data[position..]), null));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(data, ref position);
                    _fields.Add((number, 0, data.Slice(position, length).ToArray()));
                    position += length;
                    break;
                case 5:
                    _fields.Add((number, BinaryPrimitives.ReadUInt32LittleEndian(data[position..]), null));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {key & 7} is not used by OTLP");
            }
        }
    }

    public IEnumerable<ProtoMessage> Messages(int number) =>
        _fields.Where(f => f.Number == number && f.Bytes is not null).Select(f => new ProtoMessage(f.Bytes));

    public ProtoMessage? Message(int number) => Messages(number).FirstOrDefault();

    public string? String(int number) =>
        _fields.Where(f => f.Number == number && f.Bytes is not null).Select(f => Encoding.UTF8.GetString(f.Bytes!))
            .FirstOrDefault();

    public byte[]? Bytes(int number) => _fields.FirstOrDefault(f => f.Number == number).Bytes;

    public ulong? Scalar(int number) =>
        _fields.Any(f => f.Number == number && f.Bytes is null) ? _fields.First(f => f.Number == number).Scalar : null;

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
