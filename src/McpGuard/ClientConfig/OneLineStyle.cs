namespace McpGuard.ClientConfig;

/// <summary>
/// The spacing of a config written on one line, read from its text: <c>{"a":["b","c"]}</c> (JavaScript's
/// <c>JSON.stringify</c>), <c>{"a": ["b", "c"]}</c> (Python's <c>json.dumps</c>), <c>{ "a": [ "b", "c" ] }</c>.
/// </summary>
internal sealed record OneLineStyle(string ItemSeparator, string KeySeparator, bool PadObjects, bool PadArrays)
{
    /// <summary>The first of each kind of separator and bracket outside strings decides its spacing.</summary>
    public static OneLineStyle Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? item = null;
        string? key = null;
        bool? padObjects = null;
        bool? padArrays = null;
        var inString = false;
        var escaped = false;
        for (var index = 0; index < text.Length; index++)
        {
            var c = text[index];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else
                {
                    inString = c != '"';
                }

                continue;
            }

            var spaced = index + 1 < text.Length && text[index + 1] == ' ';
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case ',':
                    item ??= spaced ? ", " : ",";
                    break;
                case ':':
                    key ??= spaced ? ": " : ":";
                    break;
                case '{' when !Empty(text, index, '}'):
                    padObjects ??= spaced;
                    break;
                case '[' when !Empty(text, index, ']'):
                    padArrays ??= spaced;
                    break;
            }
        }

        // A file with no comma (one server, one argument) spaces its items as it spaces its keys.
        key ??= ": ";
        return new OneLineStyle(
            item ?? (key == ":" ? "," : ", "), key, padObjects ?? false, padArrays ?? padObjects ?? false);
    }

    private static bool Empty(string text, int open, char close)
    {
        var next = open + 1;
        while (next < text.Length && text[next] == ' ')
        {
            next++;
        }

        return next < text.Length && text[next] == close;
    }
}
