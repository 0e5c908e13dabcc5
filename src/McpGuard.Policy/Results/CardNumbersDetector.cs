namespace McpGuard.Policy.Results;

/// <summary>
/// <c>card-numbers</c>: payment card numbers, bare or in groups separated by one space or dash. The guard: the
/// number's length fits its network (Visa 16, Mastercard 16, Amex 15, Discover 16, JCB 16, Diners 14, UnionPay 16),
/// its Luhn check digit holds, and it is not part of a longer number or a decimal, so timestamps, 19-digit order ids
/// and prices are not cards (docs/results.md#card-numbers).
/// </summary>
internal sealed class CardNumbersDetector() : TextDetector("card-numbers")
{
    private const int MostDigits = 19;

    public override bool MayMatch(ReadOnlySpan<char> piece) => piece.ContainsAnyInRange('0', '9');

    public override void Find(string text, List<TextMatch> found)
    {
        var from = 0;
        Span<byte> digits = stackalloc byte[MostDigits];
        while (from < text.Length)
        {
            var hit = text.AsSpan(from).IndexOfAnyInRange('0', '9');
            if (hit < 0)
            {
                return;
            }

            var at = from + hit;
            var end = Read(text, at, digits, out var count);
            if (count > 0 && StandsAlone(text, at, end) && IsCard(digits[..count]))
            {
                found.Add(new TextMatch(at, end - at));
            }

            from = Math.Max(end, at + 1);
        }
    }

    /// <summary>Reads digits from <paramref name="at"/>, in groups of 3 or more after one common separator.</summary>
    /// <returns>Where the number ends; <paramref name="count"/> is 0 when it is no candidate (too long, odd
    /// groups).</returns>
    private static int Read(string text, int at, Span<byte> digits, out int count)
    {
        count = 0;
        var position = at;
        char separator = default;
        var group = 0;
        while (position < text.Length)
        {
            var c = text[position];
            if (char.IsAsciiDigit(c))
            {
                if (count == MostDigits)
                {
                    count = 0;
                    return position + TokenText.Run(text, position, TokenText.AsciiAlphanumeric);
                }

                digits[count++] = (byte)(c - '0');
                group++;
                position++;
            }
            else if (c is ' ' or '-' && (separator == default || separator == c) && group >= 3
                && position + 1 < text.Length && char.IsAsciiDigit(text[position + 1]))
            {
                separator = c;
                group = 0;
                position++;
            }
            else
            {
                break;
            }
        }

        if (group < 3 && separator != default)
        {
            count = 0;
        }

        return position;
    }

    /// <summary>Not part of a word, a longer number, a decimal or a negative number.</summary>
    private static bool StandsAlone(string text, int start, int end)
    {
        var before = start > 0 ? text[start - 1] : ' ';
        var after = end < text.Length ? text[end] : ' ';
        var afterNext = end + 1 < text.Length ? text[end + 1] : ' ';
        return !char.IsAsciiLetterOrDigit(before) && before is not ('.' or '-' or '+' or ',' or '_')
            && !char.IsAsciiLetterOrDigit(after) && after is not '_'
            && !(after is '.' or ',' && char.IsAsciiDigit(afterNext));
    }

    private static bool IsCard(ReadOnlySpan<byte> digits)
    {
        if (digits.Length < 14)
        {
            return false;
        }

        var prefix2 = digits[0] * 10 + digits[1];
        var prefix4 = prefix2 * 100 + digits[2] * 10 + digits[3];
        var length = digits.Length;
        var fits = digits[0] switch
        {
            4 => length == 16,
            5 => prefix2 is >= 51 and <= 55 && length == 16,
            2 => prefix4 is >= 2221 and <= 2720 && length == 16,
            3 => prefix2 is 34 or 37 ? length == 15
                : prefix4 is >= 3528 and <= 3589 ? length == 16
                : (prefix2 is 36 or 38 or 39 || prefix2 * 10 + digits[2] is >= 300 and <= 305) && length == 14,
            6 => (prefix4 == 6011 || prefix2 == 65 || prefix2 * 10 + digits[2] is >= 644 and <= 649 || prefix2 == 62)
                && length == 16,
            _ => false,
        };
        return fits && !AllSame(digits) && Luhn(digits);
    }

    private static bool AllSame(ReadOnlySpan<byte> digits) => digits.IndexOfAnyExcept(digits[0]) < 0;

    private static bool Luhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}
