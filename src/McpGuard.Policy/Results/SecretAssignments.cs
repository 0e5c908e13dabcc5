using System.Buffers;

namespace McpGuard.Policy.Results;

/// <summary>
/// <c>api_key = "..."</c>, <c>"client_secret": "..."</c>, <c>PASSWORD=...</c>: a name ending in key, secret, token,
/// pass, password, passwd or pwd, then <c>:</c> or <c>=</c>, then a value. Only the value is redacted, and only a
/// value that looks random (docs/results.md#secrets): long enough, letters and digits, high entropy. Names that
/// are not secrets although they end so (page tokens, public keys) are passed over.
/// </summary>
internal static class SecretAssignments
{
    private static readonly SearchValues<char> s_nameCharacters =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-.");

    // Where an unquoted value ends: whitespace, quotes and the punctuation that closes a structure around it.
    private static readonly SearchValues<char> s_valueEnd = SearchValues.Create(" \t\r\n\"',;}])<>&");

    private static readonly string[] s_secretEndings = ["key", "secret", "token"];
    private static readonly string[] s_passwordEndings = ["pass", "password", "passwd", "pwd"];
    private static readonly string[] s_notSecrets = ["pagetoken", "nexttoken", "continuationtoken", "cursortoken"];

    private const int LongestValue = 4096;

    /// <summary>True when the name around <paramref name="hit"/> is assigned a secret-looking value.</summary>
    /// <param name="at">Where the value starts.</param>
    /// <param name="length">The value's length.</param>
    public static bool TryMatch(string text, int hit, out int at, out int length)
    {
        at = hit;
        length = 0;
        var nameStart = hit;
        while (nameStart > 0 && s_nameCharacters.Contains(text[nameStart - 1]))
        {
            nameStart--;
        }

        var nameEnd = hit + TokenText.Run(text, hit, s_nameCharacters);
        var name = Normalise(text.AsSpan(nameStart, nameEnd - nameStart));
        var isPassword = EndsWithAny(name, s_passwordEndings);
        if (!isPassword && (!EndsWithAny(name, s_secretEndings) || IsNotSecret(name)))
        {
            return false;
        }

        var value = ValueAfter(text, nameEnd);
        if (value.Length == 0 || !LooksRandom(text.AsSpan(value.Start, value.Length), isPassword))
        {
            return false;
        }

        (at, length) = (value.Start, value.Length);
        return true;
    }

    /// <summary>After the name: an optional closing quote, blanks, <c>:</c> or <c>=</c>, blanks, the value.</summary>
    private static TextMatch ValueAfter(string text, int position)
    {
        position = SkipQuote(text, position);
        position = SkipBlanks(text, position);
        if (position >= text.Length || text[position] is not (':' or '='))
        {
            return default;
        }

        position = SkipBlanks(text, position + 1);
        var opened = SkipQuote(text, position);
        if (opened > position)
        {
            // Quoted: up to the same quote; text that is itself escaped JSON (\"key\": \"...\") closes with \".
            var quote = text[opened - 1];
            var close = text.AsSpan(opened, Math.Min(LongestValue + 1, text.Length - opened)).IndexOf(quote);
            if (close > 0 && text[opened + close - 1] == '\\')
            {
                close--;
            }

            return close <= 0 ? default : new TextMatch(opened, close);
        }

        var end = text.AsSpan(position).IndexOfAny(s_valueEnd);
        var valueLength = end < 0 ? text.Length - position : end;
        while (valueLength > 0 && text[position + valueLength - 1] == '.')
        {
            valueLength--; // the end of a sentence, not of the value
        }

        return new TextMatch(position, valueLength);
    }

    /// <summary>
    /// Past one quote at <paramref name="position"/>, escaped (<c>\"</c>) or not; else the same position.
    /// </summary>
    private static int SkipQuote(string text, int position)
    {
        var escaped = position < text.Length && text[position] == '\\' ? 1 : 0;
        return position + escaped < text.Length && text[position + escaped] is '"' or '\''
            ? position + escaped + 1
            : position;
    }

    private static int SkipBlanks(string text, int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }

        return position;
    }

    private static bool LooksRandom(ReadOnlySpan<char> value, bool isPassword)
    {
        if (value.Length > LongestValue || value.ContainsAny(" \t\r\n\\")
            || value[0] is '$' or '<' or '{' or '%' or '[' or '/'
            || value.IndexOf("{{", StringComparison.Ordinal) >= 0)
        {
            return false; // a sentence, a template, a placeholder or a path (secret://...), not a value
        }

        var letters = value.IndexOfAnyInRange('a', 'z') >= 0 || value.IndexOfAnyInRange('A', 'Z') >= 0;
        var digits = value.IndexOfAnyInRange('0', '9') >= 0;
        if (isPassword)
        {
            return value.Length >= 8 && (letters && digits || TokenText.CharacterClasses(value) >= 3)
                && TokenText.Entropy(value) >= 2.5;
        }

        return value.Length >= 16 && letters && digits && TokenText.Entropy(value) >= 3.0;
    }

    private static string Normalise(ReadOnlySpan<char> name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 256)];
        var length = 0;
        foreach (var c in name[^buffer.Length..])
        {
            if (c is not ('_' or '-' or '.'))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }

    private static bool EndsWithAny(string name, string[] endings)
    {
        foreach (var ending in endings)
        {
            if (name.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNotSecret(string name) =>
        EndsWithAny(name, s_notSecrets) || name.Contains("public", StringComparison.Ordinal)
            || name.EndsWith("pubkey", StringComparison.Ordinal);
}
