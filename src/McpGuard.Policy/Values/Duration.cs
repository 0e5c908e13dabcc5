using System.Globalization;
using System.Text.RegularExpressions;

namespace McpGuard.Policy.Values;

/// <summary>
/// Windows and timeouts as written in a policy: <c>500ms</c>, <c>60s</c>, <c>1m</c>, <c>24h</c>, <c>7d</c>.
/// </summary>
internal static partial class Duration
{
    [GeneratedRegex(@"^([0-9]+)(ms|s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex Form();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var match = Form().Match(text ?? "");
        if (!match.Success
            || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || amount <= 0 || amount > 100_000_000)
        {
            return false;
        }

        var unit = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(1),
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            _ => TimeSpan.FromDays(1),
        };

        // Past TimeSpan's range (about 29,000 years; 100000000d) it is no duration, not an overflow exception.
        if (amount > TimeSpan.MaxValue.Ticks / unit.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks(amount * unit.Ticks);
        return true;
    }

    /// <summary>The unit of the <c>N/unit</c> rate shorthand.</summary>
    public static TimeSpan? Unit(string unit) => unit switch
    {
        "s" or "sec" or "second" or "seconds" => TimeSpan.FromSeconds(1),
        "m" or "min" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
        "h" or "hour" or "hours" => TimeSpan.FromHours(1),
        "d" or "day" or "days" => TimeSpan.FromDays(1),
        _ => null,
    };

    public static string Format(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? $"{span.TotalDays}d"
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours}h"
        : span.TotalMinutes >= 1 && span.TotalMinutes % 1 == 0 ? $"{span.TotalMinutes}m"
        : span.TotalSeconds >= 1 && span.TotalSeconds % 1 == 0 ? $"{span.TotalSeconds}s"
        : $"{span.TotalMilliseconds}ms";
}
