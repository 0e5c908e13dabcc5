using System.Runtime.CompilerServices;

namespace McpGuard.Session;

/// <summary>
/// A quick check that no object in a client line repeats a property name, over the raw bytes, for the common line:
/// small objects whose names are written without escapes. Then two names are the same exactly when their bytes are
/// (the line is valid UTF-8), and the line is parsed without the parser's own duplicate pass (its name sets cost
/// about 4k instructions per tools/call; bench/HISTORY.md, issue 27, fifth session). Anything else — a name with an
/// escape, an object with many names, deep nesting, text that is not well formed — is "not sure": the caller parses
/// strictly, as it always did, so every rule and every error stays the parser's.
/// </summary>
internal static class UniqueNames
{
    private const int MaxDepth = ClientMessageValidator.MaxDepth + 1;
    private const int MaxNames = 64;
    private const int MaxNamesPerObject = 16;

    /// <summary>True when the line surely has no duplicate property name in any object.</summary>
    [SkipLocalsInit]
    public static bool Sure(ReadOnlySpan<byte> line)
    {
        // Per open container: where its names start in `names` (-1 for an array), and whether a name comes next.
        Span<int> firstName = stackalloc int[MaxDepth];
        Span<bool> nameNext = stackalloc bool[MaxDepth];
        Span<int> nameStart = stackalloc int[MaxNames];
        Span<int> nameEnd = stackalloc int[MaxNames];
        int depth = 0, count = 0;
        for (var i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case (byte)'"':
                    var start = ++i;
                    var escaped = false;
                    while (true)
                    {
                        var next = i < line.Length ? line[i..].IndexOfAny((byte)'"', (byte)'\\') : -1;
                        if (next < 0)
                        {
                            return false;
                        }

                        i += next;
                        if (line[i] == (byte)'"')
                        {
                            break;
                        }

                        escaped = true;
                        i += 2; // The escaped byte is inside the string.
                    }

                    if (depth > 0 && nameNext[depth - 1])
                    {
                        nameNext[depth - 1] = false;
                        var first = firstName[depth - 1];
                        if (escaped || count == MaxNames || count - first == MaxNamesPerObject)
                        {
                            return false;
                        }

                        var name = line[start..i];
                        for (var n = first; n < count; n++)
                        {
                            if (line[nameStart[n]..nameEnd[n]].SequenceEqual(name))
                            {
                                return false;
                            }
                        }

                        (nameStart[count], nameEnd[count]) = (start, i);
                        count++;
                    }

                    break;
                case (byte)'{' or (byte)'[':
                    if (depth == MaxDepth)
                    {
                        return false;
                    }

                    var isObject = line[i] == (byte)'{';
                    firstName[depth] = isObject ? count : -1;
                    nameNext[depth++] = isObject;
                    break;
                case (byte)'}' or (byte)']':
                    if (depth == 0 || (line[i] == (byte)'}') != (firstName[depth - 1] >= 0))
                    {
                        return false;
                    }

                    depth--;
                    count = firstName[depth] >= 0 ? firstName[depth] : count;
                    break;
                case (byte)',':
                    if (depth > 0 && firstName[depth - 1] >= 0)
                    {
                        nameNext[depth - 1] = true;
                    }

                    break;
            }
        }

        return depth == 0;
    }
}
