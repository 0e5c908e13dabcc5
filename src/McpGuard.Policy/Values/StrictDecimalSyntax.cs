using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace McpGuard.Policy.Values;

/// <summary>The text of a <see cref="StrictDecimal"/>: its strict form, or a JSON number token.</summary>
internal static class StrictDecimalSyntax
{
    private const int MaxExponent = 400;

    /// <summary>
    /// <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c>, plus <c>([eE][+-]?[0-9]+)?</c> for JSON numbers, read by hand: this is
    /// on every call's path, and up to 18 digits need neither a regex nor a big-integer parse.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, bool allowExponent, out StrictDecimal value)
    {
        value = default;
        var i = 0;
        var negative = i < text.Length && text[i] == '-';
        if (negative)
        {
            i++;
        }

        var integerStart = i;
        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        if (text[i++] != '0')
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        var integer = text[integerStart..i];
        var fraction = ReadOnlySpan<char>.Empty;
        if (i < text.Length && text[i] == '.')
        {
            var fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            fraction = text[fractionStart..i];
            if (fraction.IsEmpty)
            {
                return false;
            }
        }

        var exponent = 0;
        if (allowExponent && i < text.Length && text[i] is 'e' or 'E')
        {
            var exponentNegative = ++i < text.Length && text[i] == '-';
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            var exponentStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                exponent = Math.Min(exponent * 10 + (text[i++] - '0'), MaxExponent + 1);
            }

            if (i == exponentStart)
            {
                return false;
            }

            exponent = exponentNegative ? -exponent : exponent;
        }

        if (i != text.Length || Math.Abs(exponent) > MaxExponent)
        {
            return false;
        }

        var scale = fraction.Length - exponent;
        if (integer.Length + fraction.Length <= 18)
        {
            var small = 0L;
            foreach (var digit in integer)
            {
                small = small * 10 + (digit - '0');
            }

            foreach (var digit in fraction)
            {
                small = small * 10 + (digit - '0');
            }

            value = StrictDecimal.Of(negative ? -small : small, scale);
            return true;
        }

        value = Big(integer, fraction, negative, scale);
        return true;
    }

    /// <summary>More than 18 digits: a method of its own, so the common path has no BigInteger in its frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StrictDecimal Big(ReadOnlySpan<char> integer, ReadOnlySpan<char> fraction, bool negative, int scale)
    {
        var mantissa = BigInteger.Parse(string.Concat(integer, fraction), CultureInfo.InvariantCulture);
        if (negative)
        {
            mantissa = -mantissa;
        }

        if (scale < 0)
        {
            mantissa *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        return new StrictDecimal(mantissa, scale);
    }
}
