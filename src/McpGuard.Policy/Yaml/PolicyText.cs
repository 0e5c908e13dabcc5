using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// A policy or cases file's bytes as text. Invalid UTF-8 is an error at its line and column, never replaced with
/// U+FFFD: a tool name in <c>hide:</c> saved in Latin-1 would otherwise load as valid and hide nothing. A byte order
/// mark is honoured (UTF-8, or UTF-16 and UTF-32, which YAML allows), as <see cref="File.ReadAllText(string)"/> did.
/// </summary>
internal abstract record PolicyText
{
    private PolicyText()
    {
    }

    public sealed record Decoded(string Text) : PolicyText;

    /// <summary>The first byte that is not UTF-8, at its 1-based line and column (columns in characters).</summary>
    public sealed record NotUtf8(int Line, int Column, byte Byte) : PolicyText;

    public static PolicyText Decode(byte[] bytes)
    {
        if (HasUnicodeBomOtherThanUtf8(bytes))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, true);
            return new Decoded(reader.ReadToEnd());
        }

        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var utf8 = bytes.AsSpan(start);
        var chars = new char[utf8.Length];
        var status = Utf8.ToUtf16(utf8, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done)
        {
            return new Decoded(new string(chars, 0, written));
        }

        // InvalidData (or a sequence cut off at the end): `read` is where the first bad byte is.
        var before = utf8[..read];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        var line = before.Count((byte)'\n') + 1;
        var column = Encoding.UTF8.GetCharCount(before[lineStart..]) + 1;
        return new NotUtf8(line, column, utf8[read]);
    }

    private static bool HasUnicodeBomOtherThanUtf8(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
        || bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]);
}
