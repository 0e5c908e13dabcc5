using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace McpGuard.Policy;

/// <summary>
/// An exact decimal (mantissa × 10^-scale) for comparing amounts. Strings count as numbers only in the strict
/// form <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c>: no exponent, sign, spaces, separators, other digits, NaN or Infinity.
/// JSON numbers may also carry an exponent. Never a double: 0.0100000000000000000001 is more than 0.01.
/// </summary>
public readonly partial record struct StrictDecimal(BigInteger Mantissa, int Scale) : IComparable<StrictDecimal>
{
    private const int MaxExponent = 400;

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex StrictForm();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumberForm();

    /// <summary>Parses the strict string form; anything else is not a number.</summary>
    public static bool TryParseStrict(string text, out StrictDecimal value)
    {
        value = default;
        return StrictForm().IsMatch(text) && TryParseJsonNumber(text, out value);
    }

    /// <summary>Parses a JSON number token exactly, exponent included (bounded, so 1e999999 is refused).</summary>
    public static bool TryParseJsonNumber(string text, out StrictDecimal value)
    {
        value = default;
        var match = JsonNumberForm().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var exponent = 0;
        if (match.Groups[3].Success && !int.TryParse(match.Groups[3].Value.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return false;
        }

        if (Math.Abs(exponent) > MaxExponent)
        {
            return false;
        }

        var fraction = match.Groups[2].Success ? match.Groups[2].Value[1..] : "";
        var digits = match.Groups[1].Value + fraction;
        var mantissa = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        if (text[0] == '-')
        {
            mantissa = -mantissa;
        }

        var scale = fraction.Length - exponent;
        if (scale < 0)
        {
            mantissa *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        value = new StrictDecimal(mantissa, scale);
        return true;
    }

    public int CompareTo(StrictDecimal other)
    {
        if (Scale == other.Scale)
        {
            return Mantissa.CompareTo(other.Mantissa);
        }

        var scale = Math.Max(Scale, other.Scale);
        var left = Mantissa * BigInteger.Pow(10, scale - Scale);
        var right = other.Mantissa * BigInteger.Pow(10, scale - other.Scale);
        return left.CompareTo(right);
    }

    public static StrictDecimal operator +(StrictDecimal left, StrictDecimal right)
    {
        if (left.Scale == right.Scale)
        {
            return new StrictDecimal(left.Mantissa + right.Mantissa, left.Scale);
        }

        var scale = Math.Max(left.Scale, right.Scale);
        return new StrictDecimal(left.Mantissa * BigInteger.Pow(10, scale - left.Scale) + right.Mantissa * BigInteger.Pow(10, scale - right.Scale), scale);
    }

    public static bool operator <(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) < 0;

    public static bool operator >(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) > 0;

    public static bool operator <=(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) >= 0;

    public override string ToString()
    {
        var digits = BigInteger.Abs(Mantissa).ToString(CultureInfo.InvariantCulture).PadLeft(Scale + 1, '0');
        var text = Scale == 0 ? digits : digits[..^Scale] + "." + digits[^Scale..];
        return Mantissa.Sign < 0 ? "-" + text : text;
    }
}
