using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The two members of a server's answer that the guard reads without reading the answer's content: an error's
/// <c>code</c> and a result's own top-level <c>isError</c>. Shared by the judging (<see cref="ServerMessageHeader"/>)
/// and the tracing (<see cref="TracedMessages"/>) of answers, so both read them alike.
/// </summary>
internal static class AnswerMembers
{
    /// <summary>On an <c>error</c> object: its numeric code, or null; leaves the reader on the object's end.</summary>
    public static long? ErrorCode(ref Utf8JsonReader reader) =>
        Member(ref reader, "code"u8, static (ref Utf8JsonReader r) =>
            r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var code) ? code : null);

    /// <summary>
    /// On a <c>result</c> object: whether its own top-level <c>isError</c> is true (its possibly huge content is
    /// skipped); leaves the reader on the object's end.
    /// </summary>
    public static bool ResultIsError(ref Utf8JsonReader reader) =>
        Member(ref reader, "isError"u8, static (ref Utf8JsonReader r) =>
            r.TokenType == JsonTokenType.True ? 1L : null) == 1;

    /// <summary>
    /// <see cref="ResultIsError(ref Utf8JsonReader)"/>, and whether the result has a member named <c>task</c> or
    /// <c>taskId</c>, which a task handle has (<see cref="TaskHandles.TryReadCreated"/>), in the same walk.
    /// </summary>
    public static bool ResultIsError(ref Utf8JsonReader reader, out bool namesTask)
    {
        namesTask = false;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var isError = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals("isError"u8);
            namesTask |= !wanted && (reader.ValueTextEquals("task"u8) || reader.ValueTextEquals("taskId"u8));
            reader.Read();
            if (wanted)
            {
                // As Member: the last isError decides.
                isError = reader.TokenType == JsonTokenType.True;
            }

            reader.Skip();
        }

        return isError;
    }

    private delegate long? ValueReader(ref Utf8JsonReader reader);

    /// <summary>
    /// On an object's start, reads one member with <paramref name="read"/> and skips the rest; leaves the reader on
    /// its end. Anything but an object is skipped and gives null.
    /// </summary>
    private static long? Member(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ValueReader read)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals(name);
            reader.Read();
            if (wanted)
            {
                value = read(ref reader);
            }

            reader.Skip();
        }

        return value;
    }
}
