using System.Globalization;

namespace McpGuard.Policy.Json;

/// <summary>
/// A double as ECMAScript's <c>Number.prototype.toString</c> prints it (ECMA-262 §6.1.6.1.20), which RFC 8785
/// §3.2.2.3 makes the canonical number form: the shortest digits that round-trip, plain notation for
/// 1e-7 &lt;= |x| &lt; 1e21, else <c>d.ddde+N</c> / <c>d.ddde-N</c>; -0 is <c>0</c>.
/// </summary>
internal static class EcmaScriptNumber
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no form for NaN or infinity.");
        }

        if (value == 0)
        {
            return "0";
        }

        if (value < 0)
        {
            return "-" + Format(-value);
        }

        // "R" gives the shortest round-trip digits since .NET Core 3.0; only its layout differs from ECMAScript's.
        var (digits, n) = Decompose(value.ToString("R", CultureInfo.InvariantCulture));
        var k = digits.Length;
        if (k <= n && n <= 21)
        {
            return digits + new string('0', n - k);
        }

        if (0 < n && n <= 21)
        {
            return $"{digits[..n]}.{digits[n..]}";
        }

        if (-6 < n && n <= 0)
        {
            return $"0.{new string('0', -n)}{digits}";
        }

        var exponent = n - 1;
        var sign = exponent < 0 ? "-" : "+";
        var mantissa = k == 1 ? digits : $"{digits[0]}.{digits[1..]}";
        return $"{mantissa}e{sign}{Math.Abs(exponent).ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// The significant digits (no leading or trailing zeros) and n such that value = 0.digits × 10^n.
    /// </summary>
    private static (string Digits, int N) Decompose(string roundTrip)
    {
        var exponent = 0;
        var e = roundTrip.IndexOfAny(['E', 'e']);
        var mantissa = roundTrip;
        if (e >= 0)
        {
            exponent = int.Parse(roundTrip.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = roundTrip[..e];
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = point < 0 ? mantissa.Length : point;
        var all = mantissa.Replace(".", "", StringComparison.Ordinal);
        var leading = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        return (digits, integerDigits - leading + exponent);
    }
}
