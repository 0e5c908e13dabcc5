using System.Globalization;

namespace McpGuard.Policy.Limits;

/// <summary>
/// A wait as a person reads it (45s, 3m 20s, 4h 12m, 2d 3h): a refusal's "retry after" and <c>mcpguard limits</c>'
/// "frees up in" say it the same way. Rounded up to the last unit shown, so the wait said is never shorter than the
/// real one: a retry at the time given is not refused again for the few seconds left out.
/// </summary>
internal static class WaitText
{
    private const long Minute = 60;
    private const long Hour = 3600;
    private const long Day = 86400;

    public static string Of(TimeSpan wait)
    {
        var seconds = Math.Max(0, (long)Math.Ceiling(wait.TotalSeconds));
        // Rounding up can reach the next larger unit (3599.5s is 1h, 23h 59m 30s is 1d): round again at that one.
        seconds = Up(seconds, Unit(seconds));
        seconds = Up(seconds, Unit(seconds));
        return seconds switch
        {
            < Minute => Text(seconds, "s", 0, ""),
            < Hour => Text(seconds / Minute, "m", seconds % Minute, "s"),
            < Day => Text(seconds / Hour, "h", seconds % Hour / Minute, "m"),
            _ => Text(seconds / Day, "d", seconds % Day / Hour, "h"),
        };
    }

    /// <summary>The smallest unit shown for a wait this long.</summary>
    private static long Unit(long seconds) => seconds switch
    {
        < Hour => 1,
        < Day => Minute,
        _ => Hour,
    };

    private static long Up(long seconds, long unit) => (seconds + unit - 1) / unit * unit;

    private static string Text(long first, string firstUnit, long second, string secondUnit) =>
        second == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{first}{firstUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{first}{firstUnit} {second}{secondUnit}");
}
