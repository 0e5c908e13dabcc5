using System.Buffers;
using System.Text;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// docs/relay.md#client--server-strict-checks as a table: every line the guard must refuse, with the error code and the
/// id it echoes.
/// </summary>
public sealed class ClientMessageValidatorTests
{
    private const int ParseError = -32700;
    private const int InvalidRequest = -32600;

    /// <summary>
    /// Case, line (<c>%XX</c> = raw byte), expected code, expected echoed id as raw JSON (null = <c>"id":null</c>).
    /// </summary>
    public static TheoryData<string, string, int, string?> RefusedLines => new()
    {
        // Not one JSON value.
        { "NotJson", "hello", ParseError, null },
        { "TruncatedJson", """{"jsonrpc":"2.0","id":1,"method":"ping" """, ParseError, null },
        { "TwoValuesOnOneLine",
            """{"jsonrpc":"2.0","id":1,"method":"ping"} {"jsonrpc":"2.0","id":2,"method":"ping"}""", ParseError, null },
        { "TrailingGarbage", """{"jsonrpc":"2.0","id":1,"method":"ping"}x""", ParseError, null },
        { "Comment", """{"jsonrpc":"2.0","id":1,"method":"ping"/*x*/}""", ParseError, null },
        { "TrailingComma", """{"jsonrpc":"2.0","id":1,"method":"ping",}""", ParseError, null },
        { "ByteOrderMark", """%EF%BB%BF{"jsonrpc":"2.0","id":1,"method":"ping"}""", ParseError, null },
        { "SingleQuotes", """{'jsonrpc':'2.0','id':1,'method':'ping'}""", ParseError, null },

        // Not valid UTF-8: refused before anything reads the JSON.
        { "Utf8OverlongSlash", """{"jsonrpc":"2.0","id":1,"method":"%C0%AF"}""", ParseError, null },
        { "Utf8OverlongThreeBytes", """{"jsonrpc":"2.0","id":1,"method":"%E0%80%AF"}""", ParseError, null },
        { "Utf8EncodedLoneSurrogate", """{"jsonrpc":"2.0","id":1,"method":"%ED%A0%80"}""", ParseError, null },
        { "Utf8TruncatedSequence", """{"jsonrpc":"2.0","id":1,"method":"%E2%82"}""", ParseError, null },
        { "Utf8TruncatedAtEndOfLine", """{"jsonrpc":"2.0","id":1,"method":"ping"}%E2""", ParseError, null },
        { "Utf8InvalidByteFF", """{"jsonrpc":"2.0","id":1,"method":"p%FFing"}""", ParseError, null },
        { "Utf8AboveU10FFFF", """{"jsonrpc":"2.0","id":1,"method":"%F4%90%80%80"}""", ParseError, null },

        // Raw carriage returns: only the one right before the newline is allowed, and the pump strips that one.
        { "RawCrBetweenTokens", """{"jsonrpc":"2.0",%0D"id":1,"method":"ping"}""", InvalidRequest, "1" },
        { "RawCrAtEndOfLine", """{"jsonrpc":"2.0","id":1,"method":"ping"}%0D""", InvalidRequest, "1" },
        { "RawCrInsideString", """{"jsonrpc":"2.0","id":1,"method":"pi%0Dng"}""", InvalidRequest, null },
        { "OnlyRawCr", "%0D", InvalidRequest, null },
        { "TwoValuesSplitByRawCr",
            """{"jsonrpc":"2.0","id":1,"method":"ping"}%0D{"jsonrpc":"2.0","id":2,"method":"ping"}""", InvalidRequest,
            null },
        { "ValueThenGarbageAfterRawCr", """{"jsonrpc":"2.0","id":1,"method":"ping"}%0Dx""", InvalidRequest, null },

        // Duplicate keys at any depth, also when one is written with escapes.
        { "DuplicateIdTopLevel", """{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}""", InvalidRequest, null },
        { "DuplicateIdEscaped", """{"jsonrpc":"2.0","id":1,"i\u0064":2,"method":"ping"}""", InvalidRequest, null },
        { "DuplicateMethodEscaped",
            """{"jsonrpc":"2.0","id":1,"method":"a","m\u0065thod":"b"}""", InvalidRequest, "1" },
        { "DuplicateMethodEscapedSlash",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"tools\/call"}""", InvalidRequest, "1" },
        { "DuplicateJsonrpc", """{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"ping"}""", InvalidRequest, "1" },
        { "DuplicateParams",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"},"params":{"name":"b"}}""",
            InvalidRequest, "1" },
        { "DuplicateNameNested",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","name":"b"}}""", InvalidRequest,
            "1" },
        { "DuplicateNameNestedEscaped",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","n\u0061me":"b"}}""", InvalidRequest,
            "1" },
        { "DuplicateNameUpperCaseEscape",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","\u006E\u0061\u006D\u0065":"b"}}""",
            InvalidRequest, "1" },
        { "DuplicateDeepInArguments",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{"x":{"y":1,"y":2}}}}""",
            InvalidRequest, "1" },
        { "DuplicateInObjectInArray",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"""
                + """{"name":"a","arguments":{"l":[1,{"k":1,"k":2}]}}}""",
            InvalidRequest, "1" },
        { "DuplicateWithIdLast",
            """{"jsonrpc":"2.0","method":"ping","params":{"a":1,"a":1},"id":"x"}""", InvalidRequest, "\"x\"" },

        // jsonrpc must be exactly "2.0".
        { "JsonrpcTrailingSpace", """{"jsonrpc":"2.0 ","id":1,"method":"ping"}""", InvalidRequest, "1" },
        { "JsonrpcNumber", """{"jsonrpc":2.0,"id":1,"method":"ping"}""", InvalidRequest, "1" },
        { "JsonrpcMissing", """{"id":1,"method":"ping"}""", InvalidRequest, "1" },
        { "JsonrpcOne", """{"jsonrpc":"1.0","id":1,"method":"ping"}""", InvalidRequest, "1" },
        { "JsonrpcNull", """{"jsonrpc":null,"id":"a","method":"ping"}""", InvalidRequest, "\"a\"" },

        // An id that is not a string or an integer is never echoed.
        { "IdDecimal", """{"jsonrpc":"2.0","id":1.0,"method":"ping"}""", InvalidRequest, null },
        { "IdExponent", """{"jsonrpc":"2.0","id":1e3,"method":"ping"}""", InvalidRequest, null },
        { "IdExponentUpper", """{"jsonrpc":"2.0","id":1E3,"method":"ping"}""", InvalidRequest, null },
        { "IdNegativeFraction", """{"jsonrpc":"2.0","id":-1.5,"method":"ping"}""", InvalidRequest, null },
        { "IdNull", """{"jsonrpc":"2.0","id":null,"method":"ping"}""", InvalidRequest, null },
        { "IdTrue", """{"jsonrpc":"2.0","id":true,"method":"ping"}""", InvalidRequest, null },
        { "IdObject", """{"jsonrpc":"2.0","id":{},"method":"ping"}""", InvalidRequest, null },
        { "IdArray", """{"jsonrpc":"2.0","id":[],"method":"ping"}""", InvalidRequest, null },
        { "IdNullOnResponse", """{"jsonrpc":"2.0","id":null,"result":{}}""", InvalidRequest, null },

        // Requests, notifications and responses must be one of the three.
        { "MethodWithResult", """{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}""", InvalidRequest, "1" },
        { "MethodWithError",
            """{"jsonrpc":"2.0","id":1,"method":"ping","error":{"code":1,"message":"m"}}""", InvalidRequest, "1" },
        { "NotificationWithResult",
            """{"jsonrpc":"2.0","method":"notifications/x","result":{}}""", InvalidRequest, null },
        { "ResponseWithoutId", """{"jsonrpc":"2.0","result":{}}""", InvalidRequest, null },
        // A notification's method with an id: neither a notification (the guard would not act on the cancel) nor a
        // request any peer answers, so it is refused as malformed rather than forwarded as a request.
        { "CancelledWithAnId",
            """{"jsonrpc":"2.0","id":3,"method":"notifications/cancelled","params":{"requestId":1}}""",
            InvalidRequest, "3" },
        { "NotificationMethodWithAnId",
            """{"jsonrpc":"2.0","id":"n","method":"notifications/initialized"}""", InvalidRequest, "\"n\"" },
        { "ResultAndError",
            """{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}""", InvalidRequest, "1" },
        { "NeitherMethodNorResult", """{"jsonrpc":"2.0","id":"7"}""", InvalidRequest, "\"7\"" },
        { "MethodNotString", """{"jsonrpc":"2.0","id":1,"method":5}""", InvalidRequest, "1" },
        { "MethodNull", """{"jsonrpc":"2.0","id":1,"method":null}""", InvalidRequest, "1" },

        // Not one object.
        { "Batch", """[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", InvalidRequest, null },
        { "EmptyBatch", "[]", InvalidRequest, null },
        { "ScalarNumber", "42", InvalidRequest, null },
        { "ScalarString", "\"ping\"", InvalidRequest, null },
        { "ScalarNull", "null", InvalidRequest, null },

        // Nesting: deeper than the limit is refused, however deep: a line nested 5000 levels is still JSON with an id.
        // (It was answered -32700 "not one JSON value" with id null beyond 1024 levels, the re-reading's own limit.)
        { "NestingDeeperThanLimit", Nested(ClientMessageValidator.MaxDepth + 1), InvalidRequest, "1" },
        { "NestingFarDeeperThanLimit", Nested(5000), InvalidRequest, "1" },
        { "NestingFarDeeperThanLimitAndBroken", Nested(5000)[..^1], ParseError, null },

        // Escaped unpaired surrogates cannot be read as names or ids the way every server would; refused, never thrown.
        { "LoneSurrogateEscapeInMethod", """{"jsonrpc":"2.0","id":1,"method":"\ud800"}""", InvalidRequest, "1" },
        { "LoneSurrogateEscapeInId", """{"jsonrpc":"2.0","id":"\udc00","method":"ping"}""", InvalidRequest, null },
        { "LoneSurrogateEscapeInToolName",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ec\ud800ho"}}""", InvalidRequest, "1" },
        { "LoneSurrogateEscapeInKey",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"\ud800":1}}""", InvalidRequest, "1" },
        { "LoneSurrogateEscapeDuplicateKeys",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"\ud800":1,"\ud800":2}}""", InvalidRequest, "1" },
        { "LoneSurrogateEscapeUpperCase",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":"x\uD800"}}""", InvalidRequest, "1" },
        { "ReversedSurrogatePair",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":"\udc00\ud800"}}""", InvalidRequest, "1" },
    };

    /// <summary>Case, line, kind, method, id key.</summary>
    public static TheoryData<string, string, string, string?, string?> AcceptedLines => new()
    {
        { "Request", """{"jsonrpc":"2.0","id":1,"method":"ping"}""", nameof(MessageKind.Request), "ping", "n:1" },
        { "ToolsCall", """{"jsonrpc":"2.0","id":12,"method":"tools/call"}""", nameof(MessageKind.Request), "tools/call",
            "n:12" },
        { "EscapedMethod", """{"jsonrpc":"2.0","id":1,"method":"tools\/call"}""", nameof(MessageKind.Request),
            "tools/call", "n:1" },
        { "NegativeId", """{"jsonrpc":"2.0","id":-1,"method":"ping"}""", nameof(MessageKind.Request), "ping", "n:-1" },
        { "ZeroId", """{"jsonrpc":"2.0","id":0,"method":"ping"}""", nameof(MessageKind.Request), "ping", "n:0" },
        { "IdBeyondDoublePrecision",
            """{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}""", nameof(MessageKind.Request), "ping",
            "n:9007199254740993" },
        { "StringId", """{"jsonrpc":"2.0","id":"7","method":"ping"}""", nameof(MessageKind.Request), "ping", "s:7" },
        { "EscapedStringId",
            """{"jsonrpc":"2.0","id":"\u0037","method":"ping"}""", nameof(MessageKind.Request), "ping", "s:7" },
        { "EmptyStringId", """{"jsonrpc":"2.0","id":"","method":"ping"}""", nameof(MessageKind.Request), "ping", "s:" },
        { "IdLast", """{"jsonrpc":"2.0","method":"ping","id":3}""", nameof(MessageKind.Request), "ping", "n:3" },
        { "EscapedMemberNames",
            """{"jsonrp\u0063":"2.0","\u0069d":1,"m\u0065thod":"ping"}""", nameof(MessageKind.Request), "ping", "n:1" },
        { "EscapedJsonrpcUnescapesTo20",
            """{"jsonrpc":"2\u002e0","id":1,"method":"ping"}""", nameof(MessageKind.Request), "ping", "n:1" },
        { "EscapedMethodUnescaped",
            """{"jsonrpc":"2.0","id":1,"method":"tools\/call","params":{"name":"x"}}""", nameof(MessageKind.Request),
            "tools/call", "n:1" },
        { "Notification",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""", nameof(MessageKind.Notification),
            "notifications/initialized", null },
        { "ResultResponse", """{"jsonrpc":"2.0","id":"s1","result":{}}""", nameof(MessageKind.Response), null, "s:s1" },
        { "NullResultResponse",
            """{"jsonrpc":"2.0","id":"s1","result":null}""", nameof(MessageKind.Response), null, "s:s1" },
        { "ErrorResponse",
            """{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}""", nameof(MessageKind.Response), null,
            "n:2" },
        { "LeadingAndTrailingWhitespace",
            " \t {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} \t ", nameof(MessageKind.Request), "ping", "n:1" },
        { "UnknownMembersKept",
            """{"jsonrpc":"2.0","id":1,"method":"x/new","params":{"_meta":{}},"x-extra":[1]}""",
            nameof(MessageKind.Request), "x/new", "n:1" },
        { "ValidSurrogatePairEscape",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":"\ud83d\ude00"}}""", nameof(MessageKind.Request),
            "ping", "n:1" },
        { "EscapedBackslashBeforeU",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":"\\ud800"}}""", nameof(MessageKind.Request),
            "ping", "n:1" },
        { "MultiByteUtf8",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":"é€😀"}}""", nameof(MessageKind.Request), "ping",
            "n:1" },
        { "SameKeyInSiblingObjects",
            """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":{"k":1},"b":{"k":1}}}""",
            nameof(MessageKind.Request), "ping", "n:1" },
        { "NestingAtLimit", Nested(ClientMessageValidator.MaxDepth), nameof(MessageKind.Request), "tools/call", "n:1" },
    };

    [Theory]
    [InlineData("hello")]
    [InlineData("%FF{}")]
    public void Validate_ParseError_NamesTheMessageNotALine(string wire)
    {
        // The same check answers a stdio line and an HTTP body: its parse errors name neither.
        var check = ClientMessageValidator.Validate(new ReadOnlySequence<byte>(WireBytes.Decode(wire)));

        Assert.True(check.Refused(out var rejection));
        Assert.StartsWith("Parse error: the message is not", rejection.Message, StringComparison.Ordinal);
    }

    // The message said "duplicate keys or nesting deeper than 64 levels" for both: it names the one that happened
    // (the duplicate's name is not repeated: the error is logged), and where.
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":1,"a":2}}""",
        "Invalid request: a duplicate key at line 1, column 57.")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"é":1,"\u00e9":2}}""",
        "Invalid request: a duplicate key at line 1, column 57.")]
    [InlineData("{\"jsonrpc\":\"2.0\",\n\"id\":1,\n\"method\":\"ping\",\"id\":2}",
        "Invalid request: a duplicate key at line 3, column 17.")]
    public void Validate_DuplicateKey_SaysSoAndWhere(string line, string message)
    {
        var check = ClientMessageValidator.Validate(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)));

        Assert.True(check.Refused(out var rejection));
        Assert.Equal(message, rejection.Message);
    }

    [Fact]
    public void Validate_TooDeep_SaysSoAndWhere()
    {
        var line = Nested(ClientMessageValidator.MaxDepth + 1);

        var check = ClientMessageValidator.Validate(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)));

        Assert.True(check.Refused(out var rejection));
        Assert.Equal(
            $"Invalid request: nesting deeper than 64 levels at line 1, column {line.LastIndexOf('[') + 1}.",
            rejection.Message);
    }

    [Theory]
    [MemberData(nameof(RefusedLines))]
    public void Validate_RefusedLine_ReturnsErrorWithCodeAndEchoedId(string kase, string line, int code, string? rawId)
    {
        var check = ClientMessageValidator.Validate(new ReadOnlySequence<byte>(WireBytes.Decode(line)));

        Assert.False(check.Accepted(out _), kase);
        Assert.True(check.Refused(out var rejection), kase);
        Assert.True(code == rejection.Code, $"{kase}: expected {code}, got {rejection.Code} ({rejection.Message})");
        Assert.Equal(rawId, rejection.Id?.ToString());
    }

    [Theory]
    [MemberData(nameof(RefusedLines))]
    public void Validate_RefusedLineInManySegments_SameRejection(string kase, string line, int code, string? rawId)
    {
        var check = ClientMessageValidator.Validate(WireBytes.Segmented(WireBytes.Decode(line), 3));

        Assert.False(check.Accepted(out _), kase);
        Assert.True(check.Refused(out var rejection), kase);
        Assert.True(code == rejection.Code, kase);
        Assert.Equal(rawId, rejection.Id?.ToString());
    }

    [Theory]
    [MemberData(nameof(AcceptedLines))]
    public void Validate_AcceptedLine_ClassifiesKindMethodAndId(
        string kase, string line, string kind, string? method, string? idKey)
    {
        var check = ClientMessageValidator.Validate(WireBytes.Segmented(WireBytes.Decode(line), 5));
        check.Refused(out var rejection);

        Assert.True(check.Accepted(out var accepted), $"{kase}: {rejection?.Message}");
        using var message = accepted;
        Assert.Equal(kind, message.Kind.ToString());
        Assert.Equal(method, message.Method);
        Assert.Equal(idKey, message.Id?.Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t \t")]
    public void Validate_BlankLine_IgnoredWithoutError(string line)
    {
        var check = ClientMessageValidator.Validate(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)));

        Assert.True(check.IsBlank);
        Assert.False(check.Accepted(out _));
        Assert.False(check.Refused(out _));
    }

    [Fact]
    public void Validate_RawIdEcho_KeepsDigitsAndEscapes()
    {
        Assert.True(ClientMessageValidator.Validate(Line("""{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}"""))
            .Accepted(out var big));
        Assert.True(ClientMessageValidator.Validate(Line("""{"jsonrpc":"2.0","id":"\u0037","method":"ping"}"""))
            .Accepted(out var escaped));
        using var _ = big;
        using var __ = escaped;

        Assert.Equal("9007199254740993", big.Id.ToString());
        Assert.Equal("\"\\u0037\"", escaped.Id.ToString());
    }

    /// <summary>
    /// A tools/call whose params nest <paramref name="depth"/> levels in all (the message object is level 1).
    /// </summary>
    private static string Nested(int depth)
    {
        var arrays = depth - 3;
        return """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{"x":""" +
            new string('[', arrays) + new string(']', arrays) + "}}}";
    }

    private static ReadOnlySequence<byte> Line(string text) => new(Encoding.UTF8.GetBytes(text));
}
