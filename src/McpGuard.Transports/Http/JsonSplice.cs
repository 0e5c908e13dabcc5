using System.Text.Json;

namespace McpGuard.Http;

/// <summary>
/// Replaces one scalar member of a JSON message in its bytes, leaving every other byte as it was: how the shared
/// child gets ids of the guard's own without the message being re-serialised (what was judged is what is sent).
/// </summary>
internal static class JsonSplice
{
    /// <summary>
    /// The message with the scalar at <paramref name="path"/> (member names from the root) replaced by
    /// <paramref name="raw"/>; the message itself when there is no such scalar.
    /// </summary>
    public static byte[] Replace(byte[] message, ReadOnlySpan<string> path, ReadOnlySpan<byte> raw)
    {
        if (!TryFind(message, path, out var start, out var length))
        {
            return message;
        }

        return [.. message.AsSpan(0, start), .. raw, .. message.AsSpan(start + length)];
    }

    /// <summary>
    /// Finds the scalar value at <paramref name="path"/>: its first byte and its length (quotes included).
    /// </summary>
    public static bool TryFind(byte[] message, ReadOnlySpan<string> path, out int start, out int length)
    {
        start = length = 0;
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 1024 });
        var matched = 0;
        try
        {
            while (reader.Read())
            {
                // Depth counts the enclosing objects: a member of the root is at depth 1 when its name is read.
                if (reader.TokenType != JsonTokenType.PropertyName
                    || reader.CurrentDepth != matched + 1 && reader.CurrentDepth > matched)
                {
                    continue;
                }

                if (reader.CurrentDepth <= matched)
                {
                    // Left the object the matched prefix named: the member is not there.
                    return false;
                }

                if (!reader.ValueTextEquals(path[matched]))
                {
                    reader.Read();
                    reader.TrySkip();
                    continue;
                }

                reader.Read();
                matched++;
                if (matched == path.Length)
                {
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        return false;
                    }

                    start = (int)reader.TokenStartIndex;
                    length = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                    return true;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }
}
