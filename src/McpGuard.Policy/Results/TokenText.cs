using System.Buffers;

namespace McpGuard.Policy.Results;

/// <summary>Character classes and boundaries the built-in detectors share.</summary>
internal static class TokenText
{
    public static readonly SearchValues<char> AsciiAlphanumeric =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static readonly SearchValues<char> Base64Url =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_");

    public static readonly SearchValues<char> Letters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static readonly SearchValues<char> UpperAlphanumeric =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>
    /// The length of the run of <paramref name="allowed"/> characters starting at <paramref name="start"/>.
    /// </summary>
    public static int Run(string text, int start, SearchValues<char> allowed)
    {
        if (start >= text.Length)
        {
            return 0;
        }

        var end = text.AsSpan(start).IndexOfAnyExcept(allowed);
        return end < 0 ? text.Length - start : end;
    }

    /// <summary>
    /// True when the character before <paramref name="index"/> does not continue a word (letters, digits).
    /// </summary>
    public static bool StartsWord(string text, int index) => index == 0 || !char.IsAsciiLetterOrDigit(text[index - 1]);

    /// <summary>
    /// True when the character at <paramref name="index"/> does not continue a word (letters, digits).
    /// </summary>
    public static bool EndsWord(string text, int index) =>
        index >= text.Length || !char.IsAsciiLetterOrDigit(text[index]);

    /// <summary>
    /// Shannon entropy in bits per character of <paramref name="value"/> (ASCII; other characters share a bucket).
    /// </summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        Span<int> counts = stackalloc int[129];
        foreach (var c in value)
        {
            counts[c < 128 ? c : 128]++;
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / value.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }

    /// <summary>How many of lower-case letters, upper-case letters, digits and other characters occur.</summary>
    public static int CharacterClasses(ReadOnlySpan<char> value)
    {
        bool lower = false, upper = false, digit = false, other = false;
        foreach (var c in value)
        {
            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
            digit |= char.IsAsciiDigit(c);
            other |= !char.IsAsciiLetterOrDigit(c);
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }
}
