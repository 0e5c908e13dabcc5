using System.Globalization;
using System.Numerics;

namespace McpGuard.Policy.Values;

/// <summary>
/// An exact decimal (mantissa × 10^-scale) for comparing amounts. Strings count as numbers only in the strict
/// form <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c>: no exponent, sign, spaces, separators, other digits, NaN or Infinity.
/// JSON numbers may also carry an exponent. Never a double: 0.0100000000000000000001 is more than 0.01.
/// Equality is by value, as the ordering is: 0.5 equals 0.50 and both hash alike.
/// </summary>
internal readonly partial record struct StrictDecimal(BigInteger Mantissa, int Scale) : IComparable<StrictDecimal>
{
    private const int MaxExponent = 400;

    /// <summary>Amounts up to this scale and 18 digits are written without BigInteger (<see cref="Small"/>).</summary>
    private const int MaxSmallScale = 18;

    private static readonly BigInteger[] s_powersOfTen =
        [.. Enumerable.Range(0, 40).Select(n => BigInteger.Pow(10, n))];

    private static readonly BigInteger s_smallLimit = BigInteger.Pow(10, 18) - 1;

    public static StrictDecimal Zero { get; } = new(0, 0);

    public static StrictDecimal One { get; } = new(1, 0);

    /// <summary>Parses the strict string form; anything else is not a number.</summary>
    public static bool TryParseStrict(string text, out StrictDecimal value) =>
        TryParse(text, allowExponent: false, out value);

    /// <summary>
    /// The strict form, or with <paramref name="allowExponent"/> a JSON number token exactly, exponent included
    /// (bounded, so 1e999999 is refused), read straight from UTF-8 so a call's arguments need no strings.
    /// </summary>
    public static bool TryParseUtf8(ReadOnlySpan<byte> text, bool allowExponent, out StrictDecimal value)
    {
        Span<char> chars = text.Length <= 128 ? stackalloc char[text.Length] : new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            // Only ASCII can be part of a number; anything else stays a non-digit and fails below.
            chars[i] = text[i] < 0x80 ? (char)text[i] : '\uFFFD';
        }

        return TryParse(chars, allowExponent, out value);
    }

    /// <summary>
    /// <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c>, plus <c>([eE][+-]?[0-9]+)?</c> for JSON numbers, read by hand: this is
    /// on every call's path, and up to 18 digits need neither a regex nor a big-integer parse.
    /// </summary>
    private static bool TryParse(ReadOnlySpan<char> text, bool allowExponent, out StrictDecimal value)
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

        BigInteger mantissa;
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

            mantissa = small;
        }
        else
        {
            mantissa = BigInteger.Parse(string.Concat(integer, fraction), CultureInfo.InvariantCulture);
        }

        if (negative)
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

    public bool Equals(StrictDecimal other) => CompareTo(other) == 0;

    /// <summary>The hash of the normalised form (no trailing fraction zeros), so equal values hash alike.</summary>
    public override int GetHashCode()
    {
        var (mantissa, scale) = Normalised();
        return HashCode.Combine(mantissa, scale);
    }

    private (BigInteger Mantissa, int Scale) Normalised()
    {
        var mantissa = Mantissa;
        var scale = Scale;
        if (mantissa.IsZero)
        {
            return (mantissa, 0);
        }

        if (scale < 0)
        {
            return (mantissa * BigInteger.Pow(10, -scale), 0);
        }

        while (scale > 0)
        {
            var quotient = BigInteger.DivRem(mantissa, 10, out var remainder);
            if (!remainder.IsZero)
            {
                break;
            }

            mantissa = quotient;
            scale--;
        }

        return (mantissa, scale);
    }

    public int CompareTo(StrictDecimal other)
    {
        if (Scale == other.Scale)
        {
            return Mantissa.CompareTo(other.Mantissa);
        }

        var scale = Math.Max(Scale, other.Scale);
        return Scaled(Mantissa, scale - Scale).CompareTo(Scaled(other.Mantissa, scale - other.Scale));
    }

    public static StrictDecimal operator +(StrictDecimal left, StrictDecimal right)
    {
        if (left.Scale == right.Scale)
        {
            return new StrictDecimal(left.Mantissa + right.Mantissa, left.Scale);
        }

        var scale = Math.Max(left.Scale, right.Scale);
        var sum = Scaled(left.Mantissa, scale - left.Scale) + Scaled(right.Mantissa, scale - right.Scale);
        return new StrictDecimal(sum, scale);
    }

    /// <summary>
    /// <paramref name="mantissa"/> × 10^<paramref name="digits"/>. Comparing a call's <c>0.005</c> with a policy's
    /// <c>0.01</c> aligns scales on every decision, and BigInteger.Pow there was a few percent of a relayed call's
    /// CPU (perf), so the small powers are computed once.
    /// </summary>
    private static BigInteger Scaled(BigInteger mantissa, int digits) =>
        digits == 0
            ? mantissa
            : mantissa * (digits < s_powersOfTen.Length ? s_powersOfTen[digits] : BigInteger.Pow(10, digits));

    public static StrictDecimal operator -(StrictDecimal value) => new(-value.Mantissa, value.Scale);

    public static StrictDecimal operator -(StrictDecimal left, StrictDecimal right) => left + -right;

    public static bool operator <(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) < 0;

    public static bool operator >(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) > 0;

    public static bool operator <=(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) >= 0;

    public override string ToString()
    {
        if (Scale is >= 0 and <= MaxSmallScale && Mantissa >= -s_smallLimit && Mantissa <= s_smallLimit)
        {
            return Small((long)Mantissa, Scale);
        }

        var digits = BigInteger.Abs(Mantissa).ToString(CultureInfo.InvariantCulture).PadLeft(Scale + 1, '0');
        var text = Scale == 0 ? digits : digits[..^Scale] + "." + digits[^Scale..];
        return Mantissa.Sign < 0 ? "-" + text : text;
    }

    /// <summary>
    /// The same text for a mantissa of up to 18 digits, without formatting a BigInteger (the SQLite store writes
    /// two amounts per counter per decision: BigInteger's formatting was most of it).
    /// </summary>
    private static string Small(long mantissa, int scale)
    {
        Span<char> digits = stackalloc char[20];
        Math.Abs(mantissa).TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
        var padded = Math.Max(written, scale + 1);
        var zeros = padded - written;
        Span<char> text = stackalloc char[padded + 2];
        var length = 0;
        if (mantissa < 0)
        {
            text[length++] = '-';
        }

        for (var i = 0; i < padded; i++)
        {
            if (scale > 0 && i == padded - scale)
            {
                text[length++] = '.';
            }

            text[length++] = i < zeros ? '0' : digits[i - zeros];
        }

        return new string(text[..length]);
    }
}
