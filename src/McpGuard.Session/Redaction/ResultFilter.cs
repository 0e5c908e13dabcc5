using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGuard.Policy.Results;

namespace McpGuard.Redaction;

/// <summary>
/// Applies a policy's result rules to one server answer (docs/results.md). One forward pass with Utf8JsonReader finds
/// the strings that reach the model and scans them; only when one is redacted is a new message built, by splicing the
/// re-encoded strings into the original bytes, so everything else (ids, key order, numbers, escapes) stays exactly as
/// the server wrote it. An answer with no match is never copied: the caller forwards its original bytes.
/// </summary>
internal static class ResultFilter
{
    public static FilteredResult Apply(ReadOnlySequence<byte> line, ResultRules rules, ResultShape shape)
    {
        if (rules.MaxBytes is { } limit && line.Length > limit)
        {
            return new FilteredResult.TooLarge(line.Length, limit);
        }

        if (!rules.ScansText)
        {
            return FilteredResult.Untouched.Instance;
        }

        var scanner = rules.StartScan();
        List<(long Start, long End, string Text)>? replacements = null;
        var open = new List<(ResultZone Zone, bool IsArray)>(8); // the containers the reader is in, innermost last
        var member = ResultZone.Message;
        string? name = null; // a structured member's name, which says what its string is (api_key)
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 1024 });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                member = open.Count == 0 ? ResultZone.Skip : MemberOf(open[^1].Zone, ref reader, shape);
                name = open.Count > 0 && open[^1].Zone == ResultZone.Structured ? reader.GetString() : null;
                continue;
            }

            // A value's zone: from its name inside an object, from its array otherwise.
            var zone = open.Count > 0 && open[^1].IsArray ? ItemOf(open[^1].Zone) : member;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    open.Add((zone, reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    open.RemoveAt(open.Count - 1);
                    break;
                case JsonTokenType.String when zone is ResultZone.Text or ResultZone.Structured:
                    var named = zone == ResultZone.Structured && !open[^1].IsArray && name is not null
                        && scanner.MayMatch(name) ? name : null;
                    if (named is null && !reader.ValueIsEscaped && !MayMatch(ref reader, scanner))
                    {
                        break; // nothing can match: a long text is never copied into a string
                    }

                    if (!TryReadText(ref reader, out var text))
                    {
                        // A lone surrogate escape cannot be read as text, so it cannot be scanned: fail closed.
                        return new FilteredResult.Blocked(UnreadableText, scanner.Counts);
                    }

                    switch (named is null ? scanner.Scan(text) : ScanNamed(scanner, named, text))
                    {
                        case TextVerdict.Blocked blocked:
                            return new FilteredResult.Blocked(blocked.Detector, scanner.Counts);
                        case TextVerdict.Redacted redacted:
                            (replacements ??= []).Add((reader.TokenStartIndex, reader.BytesConsumed, redacted.Text));
                            break;
                    }

                    break;
            }
        }

        return replacements is null
            ? FilteredResult.Untouched.Instance
            : new FilteredResult.Redacted(Splice(line, replacements), scanner.Counts);
    }

    /// <summary>
    /// A structured string with its member's name, read as the text <c>"NAME": "VALUE"</c> would be: a value is a
    /// secret by its name as surely in <c>{"api_key":"…"}</c> as in the same JSON written as text
    /// (docs/results.md#secrets). Only the value is written back; a match that reaches into the name reads the value
    /// alone.
    /// </summary>
    private static TextVerdict ScanNamed(ResultScanner scanner, string name, string value)
    {
        var framed = $"\"{name}\": \"";
        var verdict = scanner.Scan(framed + value + "\"");
        return verdict is TextVerdict.Redacted { Text: var text }
            ? text.StartsWith(framed, StringComparison.Ordinal) && text.EndsWith('"')
                ? new TextVerdict.Redacted(text[framed.Length..^1])
                : scanner.Scan(value)
            : verdict;
    }

    /// <summary>What a block names when a string cannot be read as text at all.</summary>
    public const string UnreadableText = "unreadable-text";

    /// <summary>The member's zone, from its parent's zone and its name (names compared unescaped).</summary>
    private static ResultZone MemberOf(ResultZone parent, ref Utf8JsonReader reader, ResultShape shape) => parent switch
    {
        ResultZone.Message when shape == ResultShape.TaskWithToolResult =>
            reader.ValueTextEquals("result"u8) ? ResultZone.Task : ResultZone.Skip,
        ResultZone.Message when shape == ResultShape.TaskNotification =>
            reader.ValueTextEquals("params"u8) ? ResultZone.Task : ResultZone.Skip,
        ResultZone.Message => reader.ValueTextEquals("result"u8) ? ResultZone.Result
            : reader.ValueTextEquals("error"u8) ? ResultZone.Error
            : ResultZone.Skip,
        // A server's error reaches the model as surely as its result: "invalid key sk_live_…" is a leak too.
        ResultZone.Error => reader.ValueTextEquals("message"u8) ? ResultZone.Text
            : reader.ValueTextEquals("data"u8) ? ResultZone.Structured
            : ResultZone.Skip,
        ResultZone.Task => reader.ValueTextEquals("result"u8) ? ResultZone.Result : ResultZone.Skip,
        ResultZone.Result when shape is ResultShape.ToolResult or ResultShape.TaskWithToolResult
            or ResultShape.TaskNotification =>
            reader.ValueTextEquals("content"u8) ? ResultZone.Content
            : reader.ValueTextEquals("structuredContent"u8) ? ResultZone.Structured
            : ResultZone.Skip,
        ResultZone.Result when shape == ResultShape.PromptMessages =>
            reader.ValueTextEquals("messages"u8) ? ResultZone.Messages
            : reader.ValueTextEquals("description"u8) ? ResultZone.Text
            : ResultZone.Skip,
        ResultZone.Result => reader.ValueTextEquals("contents"u8) ? ResultZone.Contents : ResultZone.Skip,
        ResultZone.MessagesItem => reader.ValueTextEquals("content"u8) ? ResultZone.ContentItem : ResultZone.Skip,
        // A resource link's title and description are shown to the model beside its URI.
        ResultZone.ContentItem => reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("title"u8)
            || reader.ValueTextEquals("description"u8) ? ResultZone.Text
            : reader.ValueTextEquals("resource"u8) ? ResultZone.EmbeddedResource
            : ResultZone.Skip,
        ResultZone.EmbeddedResource or ResultZone.ContentsItem => reader.ValueTextEquals("text"u8) ? ResultZone.Text
            : ResultZone.Skip,
        ResultZone.Structured => ResultZone.Structured,
        _ => ResultZone.Skip,
    };

    private static ResultZone ItemOf(ResultZone array) => array switch
    {
        ResultZone.Content => ResultZone.ContentItem,
        ResultZone.Contents => ResultZone.ContentsItem,
        ResultZone.Messages => ResultZone.MessagesItem,

        // A prompt message's content is one item; were it a list of them, each is one.
        ResultZone.ContentItem => ResultZone.ContentItem,
        ResultZone.Structured => ResultZone.Structured,
        _ => ResultZone.Skip,
    };

    /// <summary>
    /// Decodes an unescaped string piece by piece (16K characters, each piece overlapping the last by more than any
    /// anchor's length) and asks the detectors whether a match could touch it; a value split over the line's
    /// segments is read segment by segment, never copied whole.
    /// </summary>
    private static bool MayMatch(ref Utf8JsonReader reader, ResultScanner scanner)
    {
        var pieces = new TextPieces(scanner);
        try
        {
            if (!reader.HasValueSequence)
            {
                return pieces.MayMatch(reader.ValueSpan, last: true);
            }

            var sequence = reader.ValueSequence;
            var position = sequence.Start;
            while (sequence.TryGet(ref position, out var segment))
            {
                if (pieces.MayMatch(segment.Span, last: position.Equals(sequence.End)))
                {
                    return true;
                }
            }

            return pieces.MayMatch([], last: true);
        }
        finally
        {
            pieces.Dispose();
        }
    }

    private static bool TryReadText(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static byte[] Splice(ReadOnlySequence<byte> line, List<(long Start, long End, string Text)> replacements)
    {
        var output = new ArrayBufferWriter<byte>((int)Math.Min(int.MaxValue, line.Length + 64));
        long position = 0;
        foreach (var (start, end, text) in replacements)
        {
            Copy(line.Slice(position, start - position), output);
            output.Write("\""u8);
            output.Write(JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes);
            output.Write("\""u8);
            position = end;
        }

        Copy(line.Slice(position), output);
        return output.WrittenSpan.ToArray();
    }

    private static void Copy(ReadOnlySequence<byte> bytes, ArrayBufferWriter<byte> output)
    {
        foreach (var segment in bytes)
        {
            output.Write(segment.Span);
        }
    }
}
