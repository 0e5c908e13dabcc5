using System.Buffers;
using System.Text;
using McpGuard.Policy.Results;

namespace McpGuard.Redaction;

/// <summary>
/// UTF-8 bytes decoded in pieces of 16K characters, each piece keeping the last 64 characters of the one before (more
/// than any detector's anchor), so <see cref="ResultScanner.MayMatch"/> sees every anchor whole.
/// </summary>
internal sealed class TextPieces(ResultScanner scanner) : IDisposable
{
    private const int Piece = 16 * 1024;
    private const int Overlap = 64;

    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly char[] _chars = ArrayPool<char>.Shared.Rent(Piece + Overlap);
    private int _carried;

    /// <summary>Feeds the next bytes; true as soon as a piece may hold a match.</summary>
    public bool MayMatch(ReadOnlySpan<byte> utf8, bool last)
    {
        var offset = 0;
        do
        {
            var take = Math.Min(Piece, utf8.Length - offset);
            var count = _decoder.GetChars(
                utf8.Slice(offset, take), _chars.AsSpan(_carried), flush: last && offset + take == utf8.Length);
            var window = _chars.AsSpan(0, _carried + count);
            if (window.Length > 0 && scanner.MayMatch(window))
            {
                return true;
            }

            _carried = Math.Min(Overlap, window.Length);
            window[^_carried..].CopyTo(_chars);
            offset += take;
        }
        while (offset < utf8.Length);

        return false;
    }

    public void Dispose() => ArrayPool<char>.Shared.Return(_chars);
}
