using System.Buffers;
using System.Text;

namespace McpGuard.Http;

/// <summary>
/// An event-stream parser exactly as the HTML standard's "Interpreting an event stream" says: lines end with CRLF,
/// LF or CR (a CR at the end of one chunk and an LF at the start of the next are one line end); a leading BOM is
/// skipped once; <c>:</c> starts a comment; a field's value loses one leading space; <c>data</c> lines are joined with
/// LF; <c>id</c> without NULL sets the last event id; <c>retry</c> of ASCII digits only sets the reconnection time;
/// unknown fields are ignored; a blank line dispatches; an event still open at the end of the stream is discarded.
/// Works on bytes: every delimiter is ASCII, so UTF-8 text is never split wrongly. Bounded: an event or a line longer
/// than <c>maxEventBytes</c> makes <see cref="Feed"/> return false and the stream is unusable.
/// </summary>
internal sealed class SseParser(long maxEventBytes)
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    // Empty until a stream's first bytes arrive: a JSON answer, read with a parser at hand, never allocates them.
    private readonly ArrayBufferWriter<byte> _line = new();
    private readonly ArrayBufferWriter<byte> _data = new();
    private int _bomBytesSeen;
    private bool _bomDone;
    private bool _afterCr;
    private string _eventType = "";
    private string _lastEventId = "";

    /// <summary>The reconnection time a <c>retry</c> field set, in milliseconds; null until one did.</summary>
    public long? RetryMilliseconds { get; private set; }

    public string LastEventId => _lastEventId;

    /// <summary>
    /// Parses the next chunk of the stream and adds every event it completes to <paramref name="events"/>.
    /// </summary>
    /// <returns>False when a line or an event grew past the bound (nothing more should be read).</returns>
    public bool Feed(ReadOnlySpan<byte> chunk, List<SseEvent> events)
    {
        chunk = SkipBom(chunk);
        while (!chunk.IsEmpty)
        {
            if (_afterCr)
            {
                // The LF of a CRLF split across two chunks: the line already ended at the CR.
                _afterCr = false;
                if (chunk[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                    continue;
                }
            }

            var end = chunk.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                _line.Write(chunk);
                return _line.WrittenCount + _data.WrittenCount <= maxEventBytes;
            }

            _line.Write(chunk[..end]);
            if (chunk[end] == (byte)'\r')
            {
                if (end + 1 < chunk.Length)
                {
                    end += chunk[end + 1] == (byte)'\n' ? 1 : 0;
                }
                else
                {
                    _afterCr = true;
                }
            }

            chunk = chunk[(end + 1)..];
            ProcessLine(_line.WrittenSpan, events);
            _line.ResetWrittenCount();
            if (_data.WrittenCount > maxEventBytes)
            {
                return false;
            }
        }

        return true;
    }

    private ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> chunk)
    {
        // The BOM may itself arrive split over chunks; anything else at the start ends the search.
        while (!_bomDone && !chunk.IsEmpty)
        {
            if (chunk[0] != Bom[_bomBytesSeen])
            {
                _bomDone = true;
                if (_bomBytesSeen > 0)
                {
                    // A partial BOM was not one: its bytes belong to the first line.
                    _line.Write(Bom[.._bomBytesSeen]);
                }

                break;
            }

            chunk = chunk[1..];
            _bomDone = ++_bomBytesSeen == Bom.Length;
        }

        return chunk;
    }

    private void ProcessLine(ReadOnlySpan<byte> line, List<SseEvent> events)
    {
        if (line.IsEmpty)
        {
            Dispatch(events);
            return;
        }

        if (line[0] == (byte)':')
        {
            return;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (field.SequenceEqual("data"u8))
        {
            _data.Write(value);
            _data.Write("\n"u8);
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventType = Encoding.UTF8.GetString(value);
        }
        else if (field.SequenceEqual("id"u8))
        {
            if (value.IndexOf((byte)0) < 0)
            {
                _lastEventId = Encoding.UTF8.GetString(value);
            }
        }
        else if (field.SequenceEqual("retry"u8) && !value.IsEmpty
            && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
        {
            RetryMilliseconds = long.TryParse(value, out var retry) ? retry : long.MaxValue;
        }
    }

    private void Dispatch(List<SseEvent> events)
    {
        var type = _eventType.Length == 0 ? "message" : _eventType;
        _eventType = "";
        if (_data.WrittenCount == 0)
        {
            return;
        }

        // The data buffer's last LF is not part of the data.
        var data = _data.WrittenSpan[..^1].ToArray();
        _data.ResetWrittenCount();
        events.Add(new SseEvent(type, data, _lastEventId));
    }
}
