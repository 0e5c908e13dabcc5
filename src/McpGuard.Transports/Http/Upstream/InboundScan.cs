using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// <see cref="InboundMessage"/>'s check in one reader pass, without a document: the reader proves the bytes are one
/// JSON value, <see cref="PropertyNames"/> finds duplicate keys at any depth, and the members a message is judged by
/// are read on the way (a document with its duplicate check cost ~14,000 instructions of a `run --url` call,
/// callgrind). A message with an escaped property name, or an object with very many, is left to the document.
/// </summary>
internal static class InboundScan
{
    private enum Member
    {
        None,
        Version,
        Method,
        Id,
        Result,
        Error,
        ProtocolVersion,
        ResultIsError,
        ErrorCode,
    }

    public static InboundCheck Check(ReadOnlyMemory<byte> data, out InboundMessage? message)
    {
        message = null;
        try
        {
            var span = data.Span;
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return InboundCheck.Invalid;
            }

            var names = PropertyNames.ForThisThread();
            names.OpenObject();
            var member = Member.None;
            var (isVersion2, hasMethod, hasResult, hasError, inResult) = (false, false, false, false, false);
            var (inError, resultIsError) = (false, false);
            JsonRpcId? id = null;
            string? method = null;
            string? protocolVersion = null;
            long? errorCode = null;
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    if (reader.ValueIsEscaped)
                    {
                        return InboundCheck.Undecided;
                    }

                    var added = names.Add(span, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                    if (added != InboundCheck.Valid)
                    {
                        return added;
                    }

                    member = MemberOf(ref reader, inResult, inError);
                    continue;
                }

                switch (member)
                {
                    case Member.Version:
                        isVersion2 = token == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
                        break;
                    case Member.Method:
                        hasMethod = token == JsonTokenType.String;
                        if (hasMethod && !TryGetString(ref reader, out method))
                        {
                            return InboundCheck.Undecided;
                        }

                        break;
                    case Member.Id:
                        var start = (int)reader.TokenStartIndex;
                        id = JsonRpcId.FromToken(ref reader, span[start..(int)reader.BytesConsumed]);
                        break;
                    case Member.Result:
                        hasResult = true;
                        inResult = token == JsonTokenType.StartObject;
                        break;
                    case Member.Error:
                        hasError = true;
                        inError = token == JsonTokenType.StartObject;
                        break;
                    case Member.ResultIsError:
                        resultIsError = token == JsonTokenType.True;
                        break;
                    case Member.ErrorCode:
                        errorCode = token == JsonTokenType.Number && reader.TryGetInt64(out var code) ? code : null;
                        break;
                    case Member.ProtocolVersion:
                        protocolVersion = token == JsonTokenType.String ? reader.GetString() : null;
                        break;
                }

                member = Member.None;
                if (token == JsonTokenType.StartObject)
                {
                    names.OpenObject();
                }
                else if (token == JsonTokenType.EndObject)
                {
                    names.CloseObject();
                    inResult &= reader.CurrentDepth != 1;
                    inError &= reader.CurrentDepth != 1;
                }
            }

            // As the document's reading did: a method, or a response (a result or an error) with an id.
            var isError = !hasMethod && hasError;
            var isResponse = !hasMethod && (hasResult || isError);
            if (!isVersion2 || (!hasMethod && !(isResponse && id is not null)))
            {
                return InboundCheck.Invalid;
            }

            var negotiated = isResponse && hasResult ? protocolVersion : null;
            var header = new ServerMessageHeader(method, id, hasError || resultIsError, errorCode);
            message = new InboundMessage(InboundMessage.OneLine(data), id, isResponse, isError, negotiated, header);
            return InboundCheck.Valid;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escapes an unpaired surrogate, which no string can hold.
            return InboundCheck.Invalid;
        }
    }

    /// <summary>The member of the message (or of its result) whose value the reader reaches next.</summary>
    private static Member MemberOf(ref Utf8JsonReader reader, bool inResult, bool inError) => reader.CurrentDepth switch
    {
        1 when reader.ValueTextEquals("jsonrpc"u8) => Member.Version,
        1 when reader.ValueTextEquals("method"u8) => Member.Method,
        1 when reader.ValueTextEquals("id"u8) => Member.Id,
        1 when reader.ValueTextEquals("result"u8) => Member.Result,
        1 when reader.ValueTextEquals("error"u8) => Member.Error,
        2 when inResult && reader.ValueTextEquals("protocolVersion"u8) => Member.ProtocolVersion,
        2 when inResult && reader.ValueTextEquals("isError"u8) => Member.ResultIsError,
        2 when inError && reader.ValueTextEquals("code"u8) => Member.ErrorCode,
        _ => Member.None,
    };

    /// <summary>
    /// The method's text; false when it escapes an unpaired surrogate, which no string can hold (the document's
    /// check then decides, and the session reads the message itself, as it reads a child's).
    /// </summary>
    private static bool TryGetString(ref Utf8JsonReader reader, out string? text)
    {
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }
}
