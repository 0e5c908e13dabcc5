using System.Globalization;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// An amount as the SQLite store keeps it, the text of <see cref="StrictDecimal.ToString"/> (digits, at least one
/// before the point, exactly <see cref="StrictDecimal.Scale"/> after it, a leading minus), written as UTF-8 into the
/// caller's buffer. Every counted call writes two amounts per counter: as strings they were a string each, its
/// UTF-8 count and its copy (about 6k of a lone call's 108k instructions, bench/HISTORY.md).
/// </summary>
internal static class SqliteAmountText
{
    /// <summary>Room for any amount <see cref="TryWrite"/> writes: a sign, 19 digits and a point.</summary>
    public const int MaxLength = 21;

    private const int MaxScale = 18;

    /// <summary>
    /// The mantissa as a <see cref="long"/>, when it has one (fewer than 64 bits): then the amount needs no
    /// BigInteger arithmetic to be written.
    /// </summary>
    public static bool TryGetSmallMantissa(StrictDecimal amount, out long mantissa) =>
        amount.TryGetSmallMantissa(out mantissa);

    /// <summary>
    /// Writes the amount's text; false (nothing written) when its mantissa needs more than 63 bits or its scale is
    /// outside 0–18, which <see cref="StrictDecimal.ToString"/> then writes.
    /// </summary>
    public static bool TryWrite(StrictDecimal amount, Span<byte> destination, out int written)
    {
        written = 0;
        if (amount.Scale is < 0 or > MaxScale || !TryGetSmallMantissa(amount, out var mantissa)
            || destination.Length < MaxLength)
        {
            return false;
        }

        // The magnitude as an unsigned number, so long.MinValue has one too.
        var magnitude = mantissa < 0 ? (ulong)-(mantissa + 1) + 1 : (ulong)mantissa;
        Span<byte> digits = stackalloc byte[20];
        magnitude.TryFormat(digits, out var count, provider: CultureInfo.InvariantCulture);
        var scale = amount.Scale;
        var padded = Math.Max(count, scale + 1);
        var zeros = padded - count;
        if (mantissa < 0)
        {
            destination[written++] = (byte)'-';
        }

        for (var i = 0; i < padded; i++)
        {
            if (scale > 0 && i == padded - scale)
            {
                destination[written++] = (byte)'.';
            }

            destination[written++] = i < zeros ? (byte)'0' : digits[i - zeros];
        }

        return true;
    }
}
