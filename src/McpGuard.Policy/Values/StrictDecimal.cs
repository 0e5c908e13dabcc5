using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace McpGuard.Policy.Values;

/// <summary>
/// An exact decimal (mantissa × 10^-scale) for comparing amounts. Strings count as numbers only in the strict
/// form <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c>: no exponent, sign, spaces, separators, other digits, NaN or Infinity.
/// JSON numbers may also carry an exponent. Never a double: 0.0100000000000000000001 is more than 0.01.
/// Equality is by value, as the ordering is: 0.5 equals 0.50 and both hash alike.
/// A mantissa that fits a <see cref="long"/> is kept as one, and sums and comparisons of such amounts stay in
/// <see cref="long"/> arithmetic while they fit: every counted call sums and compares a dozen amounts, and each
/// went through <see cref="BigInteger"/> at 70–150 instructions (bench/HISTORY.md, issue 27, tenth session).
/// </summary>
internal readonly partial struct StrictDecimal : IComparable<StrictDecimal>, IEquatable<StrictDecimal>
{
    /// <summary>Amounts up to this scale and 18 digits are written without BigInteger (<see cref="Small"/>).</summary>
    private const int MaxSmallScale = 18;

    private static readonly BigInteger[] s_powersOfTen =
        [.. Enumerable.Range(0, 40).Select(n => BigInteger.Pow(10, n))];

    /// <summary>10^n for n = 0–18, and the largest magnitude that can be multiplied by each without overflow.</summary>
    private static readonly long[] s_longPowers = [.. Enumerable.Range(0, 19).Select(n => (long)Math.Pow(10, n))];

    private static readonly long[] s_scalable = [.. s_longPowers.Select(p => long.MaxValue / p)];

    private const long SmallLimit = 999_999_999_999_999_999;

    /// <summary>The mantissa when it fits a long; else 0 and <see cref="_big"/> holds it.</summary>
    private readonly long _small;

    /// <summary>The mantissa, boxed, when it does not fit a long (rare: the amounts of real calls fit).</summary>
    private readonly object? _big;

    public StrictDecimal(long mantissa, int scale)
    {
        _small = mantissa;
        Scale = scale;
    }

    public StrictDecimal(BigInteger mantissa, int scale)
    {
        if (mantissa >= long.MinValue && mantissa <= long.MaxValue)
        {
            _small = (long)mantissa;
        }
        else
        {
            _big = mantissa;
        }

        Scale = scale;
    }

    public BigInteger Mantissa => _big is BigInteger big ? big : _small;

    public int Scale { get; }

    public static StrictDecimal Zero { get; } = new(0, 0);

    public static StrictDecimal One { get; } = new(1, 0);

    /// <summary>Parses the strict string form; anything else is not a number.</summary>
    public static bool TryParseStrict(string text, out StrictDecimal value) =>
        StrictDecimalSyntax.TryParse(text, allowExponent: false, out value);

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

        return StrictDecimalSyntax.TryParse(chars, allowExponent, out value);
    }

    /// <summary>
    /// <paramref name="mantissa"/> × 10^-<paramref name="scale"/>; a negative scale is multiplied out (scale 0).
    /// </summary>
    public static StrictDecimal Of(long mantissa, int scale) =>
        scale >= 0 ? new StrictDecimal(mantissa, scale) : OfNegativeScale(mantissa, scale);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StrictDecimal OfNegativeScale(long mantissa, int scale) =>
        TryScale(ref mantissa, -scale)
            ? new StrictDecimal(mantissa, 0)
            : new StrictDecimal(mantissa * BigInteger.Pow(10, -scale), 0);

    /// <summary>The mantissa as a <see cref="long"/>, when it fits one.</summary>
    public bool TryGetSmallMantissa(out long mantissa)
    {
        mantissa = _small;
        return _big is null;
    }

    public bool Equals(StrictDecimal other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is StrictDecimal other && Equals(other);

    /// <summary>The hash of the normalised form (no trailing fraction zeros), so equal values hash alike.</summary>
    public override int GetHashCode()
    {
        var (mantissa, scale) = Normalised();
        return mantissa >= long.MinValue && mantissa <= long.MaxValue
            ? HashCode.Combine((long)mantissa, scale)
            : HashCode.Combine(mantissa, scale);
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

    public int CompareTo(StrictDecimal other) =>
        _big is null && other._big is null && Scale == other.Scale
            ? _small.CompareTo(other._small)
            : CompareAligned(this, other);

    public static StrictDecimal operator +(StrictDecimal left, StrictDecimal right)
    {
        if (left._big is null && right._big is null && left.Scale == right.Scale)
        {
            var sum = left._small + right._small;
            // Overflow only when both have the sign the sum lost.
            if (((left._small ^ sum) & (right._small ^ sum)) >= 0)
            {
                return new StrictDecimal(sum, left.Scale);
            }
        }

        return AddAligned(left, right);
    }

    // The paths below are methods of their own so that the ones above keep a small frame: with BigInteger locals
    // in them, zeroing the frame cost more than the long arithmetic.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CompareAligned(StrictDecimal x, StrictDecimal y) =>
        x._big is null && y._big is null && TryAlign(x, y, out var left, out var right)
            ? left.CompareTo(right)
            : CompareBig(x, y);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CompareBig(StrictDecimal x, StrictDecimal y)
    {
        var scale = Math.Max(x.Scale, y.Scale);
        return Scaled(x.Mantissa, scale - x.Scale).CompareTo(Scaled(y.Mantissa, scale - y.Scale));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StrictDecimal AddAligned(StrictDecimal x, StrictDecimal y)
    {
        if (x._big is null && y._big is null && x.Scale != y.Scale && TryAlign(x, y, out var left, out var right))
        {
            var sum = left + right;
            if (((left ^ sum) & (right ^ sum)) >= 0)
            {
                return new StrictDecimal(sum, Math.Max(x.Scale, y.Scale));
            }
        }

        return AddBig(x, y);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StrictDecimal AddBig(StrictDecimal x, StrictDecimal y)
    {
        var scale = Math.Max(x.Scale, y.Scale);
        return new StrictDecimal(Scaled(x.Mantissa, scale - x.Scale) + Scaled(y.Mantissa, scale - y.Scale), scale);
    }

    /// <summary>
    /// Both small mantissas on the larger scale, when the one scaled up still fits a long: a compare on the guard's
    /// amounts (a call's 0.005 against a policy's 0.01) then needs no BigInteger.
    /// </summary>
    private static bool TryAlign(StrictDecimal x, StrictDecimal y, out long left, out long right)
    {
        (left, right) = (x._small, y._small);
        var digits = x.Scale - y.Scale;
        if (digits > 0)
        {
            return TryScale(ref right, digits);
        }

        return TryScale(ref left, -digits);
    }

    private static bool TryScale(ref long mantissa, int digits)
    {
        if (digits >= s_longPowers.Length || mantissa == long.MinValue || Math.Abs(mantissa) > s_scalable[digits])
        {
            return false;
        }

        mantissa *= s_longPowers[digits];
        return true;
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

    public static StrictDecimal operator -(StrictDecimal value) =>
        value._big is null && value._small != long.MinValue
            ? new StrictDecimal(-value._small, value.Scale)
            : NegateBig(value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StrictDecimal NegateBig(StrictDecimal value) => new(-value.Mantissa, value.Scale);

    public static StrictDecimal operator -(StrictDecimal left, StrictDecimal right) => left + -right;

    public static bool operator ==(StrictDecimal left, StrictDecimal right) => left.Equals(right);

    public static bool operator !=(StrictDecimal left, StrictDecimal right) => !left.Equals(right);

    public static bool operator <(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) < 0;

    public static bool operator >(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) > 0;

    public static bool operator <=(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StrictDecimal left, StrictDecimal right) => left.CompareTo(right) >= 0;

    public override string ToString()
    {
        if (Scale is >= 0 and <= MaxSmallScale && _big is null && _small is >= -SmallLimit and <= SmallLimit)
        {
            return Small(_small, Scale);
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
