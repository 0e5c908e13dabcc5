using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// The strict check of every client→server line (docs/relay.md#client--server-strict-checks). Anything this accepts is
/// forwarded byte for byte, so it must agree with how the server will read the same bytes: one object, no duplicate
/// keys (escaped or not), no raw carriage returns, no batches, bounded depth.
/// </summary>
internal static class ClientMessageValidator
{
    /// <summary>Deep enough for any real MCP message; deeper nesting is refused rather than parsed.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions s_strict =
        new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    // Reading a refused line again (is it JSON at all, which id to echo) knows no depth limit: a line nested deeper
    // than any limit is still one JSON value, refused as too deep (-32600) with its id, never as "not JSON"
    // (docs/relay.md#client--server-strict-checks). The reader keeps one bit per level, so a line of at most
    // 256 MiB costs at most 32 MiB of it, and only for a line that is refused anyway.
    private static readonly JsonReaderOptions s_anyDepth =
        new() { MaxDepth = int.MaxValue, CommentHandling = JsonCommentHandling.Disallow };

    // For a line whose names UniqueNames already found unique: the same parse without its duplicate pass.
    private static readonly JsonDocumentOptions s_namesChecked =
        new() { AllowDuplicateProperties = true, MaxDepth = MaxDepth };

    /// <summary>
    /// Validates one line without its line ending (the pump strips the <c>\n</c> and one <c>\r</c> right before it,
    /// so any carriage return left here is refused). An empty line is <see cref="LineCheck.Blank"/>: ignored.
    /// </summary>
    public static LineCheck Validate(ReadOnlySequence<byte> line)
    {
        var bytes = line.IsSingleSegment ? line.First : line.ToArray();
        var span = bytes.Span;
        if (span.TrimStart(" \t"u8).IsEmpty)
        {
            return LineCheck.Blank;
        }

        if (!Utf8.IsValid(span))
        {
            return new LineRejection(
                McpErrorCode.ParseError.AsInt(), "Parse error: the message is not valid UTF-8.", null);
        }

        // One search answers both checks below for the common line, which has no carriage return and no escape.
        if (span.IndexOfAny((byte)'\r', (byte)'\\') >= 0)
        {
            if (span.Contains((byte)'\r'))
            {
                return Invalid(
                    "a raw carriage return is only allowed right before the line's newline", EchoableId(bytes));
            }

            if (HasUnpairedSurrogateEscape(span))
            {
                return Invalid("a string escapes an unpaired UTF-16 surrogate", EchoableId(bytes));
            }
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, UniqueNames.Sure(span) ? s_namesChecked : s_strict);
        }
        catch (JsonException)
        {
            // Tell "not JSON at all" (-32700) from "JSON we refuse" (duplicate keys, too deep: -32600).
            return EchoableId(bytes) is var id && ParsesLeniently(bytes)
                ? Invalid(
                    StrictJsonRefusal.Describe(span, MaxDepth)
                        ?? $"duplicate keys or nesting deeper than {MaxDepth} levels",
                    id)
                : new LineRejection(
                    McpErrorCode.ParseError.AsInt(), "Parse error: the message is not one JSON value.", null);
        }

        var check = Classify(document);
        if (!check.Accepted(out _))
        {
            document.Dispose();
        }

        return check;
    }

    private static LineCheck Classify(JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            return Invalid("JSON-RPC batches are not supported", null);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid("a message must be a JSON object", null);
        }

        // One pass over the members (the strict parse already refused duplicates, so each is found at most once).
        JsonElement idElement = default, version = default, methodElement = default, parameters = default;
        bool hasId = false, hasVersion = false, hasMethod = false, hasResult = false, hasError = false;
        foreach (var member in root.EnumerateObject())
        {
            switch (JsonRpcMembers.Of(member))
            {
                case JsonRpcMember.Id:
                    (hasId, idElement) = (true, member.Value);
                    break;
                case JsonRpcMember.Version:
                    (hasVersion, version) = (true, member.Value);
                    break;
                case JsonRpcMember.Method:
                    (hasMethod, methodElement) = (true, member.Value);
                    break;
                case JsonRpcMember.Params:
                    parameters = member.Value;
                    break;
                case JsonRpcMember.Result:
                    hasResult = true;
                    break;
                case JsonRpcMember.Error:
                    hasError = true;
                    break;
            }
        }

        JsonRpcId? id = null;
        if (hasId)
        {
            id = JsonRpcId.FromElement(idElement);
            if (id is null)
            {
                return Invalid("id must be a string or an integer", null);
            }
        }

        if (!hasVersion || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"u8))
        {
            return Invalid("jsonrpc must be exactly \"2.0\"", id);
        }

        if (hasMethod)
        {
            if (methodElement.ValueKind != JsonValueKind.String)
            {
                return Invalid("method must be a string", id);
            }

            if (hasResult || hasError)
            {
                return Invalid("a message cannot have both a method and a result or error", id);
            }

            var kind = hasId ? MessageKind.Request : MessageKind.Notification;
            var method = MethodName(methodElement);
            if (hasId && method!.StartsWith("notifications/", StringComparison.Ordinal))
            {
                // A notification's method with an id (a cancel that would act on nothing, forwarded as a request).
                return Invalid("a notification (a notifications/ method) carries no id", id);
            }

            if (!hasId && method == RequestMethods.ToolsCall)
            {
                // The gate judges requests only, and a server might still run it: refused before any transport takes
                // it as a notification (over HTTP a 202 would say it was accepted, docs/serve.md).
                return Invalid("tools/call must be a request with an id", null);
            }

            return new ClientMessage(document, kind, method, id, parameters);
        }

        if (!hasId || hasResult == hasError)
        {
            return Invalid("a response needs an id and exactly one of result or error", id);
        }

        return new ClientMessage(document, MessageKind.Response, null, id, parameters);
    }

    /// <summary>
    /// The method's name; the one every counted call has, written without escapes, is the constant rather than a
    /// new string per message.
    /// </summary>
    private static string? MethodName(JsonElement method) =>
        JsonMarshal.GetRawUtf8Value(method).SequenceEqual("\"tools/call\""u8)
            ? RequestMethods.ToolsCall
            : method.GetString();

    private static bool ParsesLeniently(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            // One value and nothing after it: the reader throws on trailing content.
            var reader = new Utf8JsonReader(bytes.Span, s_anyDepth);
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The id to echo in an error for a line we refuse: only when the line is JSON with one usable id.
    /// </summary>
    private static JsonRpcId? EchoableId(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes.Span, s_anyDepth);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            JsonRpcId? found = null;
            var count = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    count++;
                    var token = bytes.Span[(int)reader.TokenStartIndex..(int)reader.BytesConsumed];
                    found = JsonRpcId.FromToken(ref reader, token);
                }

                reader.Skip();
            }

            // The line must be exactly one JSON value: `{...}\r{...}` is two, answered with id null.
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
            {
                return null;
            }

            return count == 1 ? found : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a name or id escapes an unpaired surrogate, which no string can hold.
            return null;
        }
    }

    /// <summary>
    /// True when a string or key escapes half a surrogate pair (<c>"\ud800"</c>). .NET cannot read it as a string
    /// and servers disagree on what it means, so such a line is refused here and no later step (a method, an id,
    /// a tool name) ever meets one. Only lines that contain <c>\ud</c> or <c>\uD</c> pay for the second pass.
    /// </summary>
    private static bool HasUnpairedSurrogateEscape(ReadOnlySpan<byte> span)
    {
        if (!HasSurrogateEscape(span))
        {
            return false;
        }

        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = 1024 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    _ = reader.GetString();
                }
            }
        }
        catch (InvalidOperationException)
        {
            return true;
        }
        catch (JsonException)
        {
            // Not well-formed JSON: the parse that follows reports it.
        }

        return false;
    }

    /// <summary>Whether <c>\ud</c> or <c>\uD</c> occurs: one search for <c>\u</c>, not one per case.</summary>
    private static bool HasSurrogateEscape(ReadOnlySpan<byte> span)
    {
        for (var at = span.IndexOf("\\u"u8); at >= 0; at = span.IndexOf("\\u"u8))
        {
            span = span[(at + 2)..];
            if (!span.IsEmpty && (span[0] | 0x20) == (byte)'d')
            {
                return true;
            }
        }

        return false;
    }

    private static LineRejection Invalid(string why, JsonRpcId? id) =>
        new(McpErrorCode.InvalidRequest.AsInt(), "Invalid request: " + why + ".", id);
}
