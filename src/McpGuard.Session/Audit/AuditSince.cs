using System.Globalization;
using System.Text.RegularExpressions;

namespace McpGuard.Audit;

/// <summary>
/// Parses <c>--since</c>: an ISO-8601 time (UTC unless it says otherwise) or a span back from now (<c>90s 30m 1h 2d
/// 1w</c>).
/// </summary>
internal static partial class AuditSince
{
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = RelativePattern().Match(text.Trim());
        if (match.Success && long.TryParse(
            match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            var unit = match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                "d" => TimeSpan.FromDays(1),
                _ => TimeSpan.FromDays(7),
            };
            if (amount <= TimeSpan.MaxValue.Ticks / unit.Ticks
                && now.Ticks - DateTimeOffset.MinValue.Ticks > amount * unit.Ticks)
            {
                since = now - (unit * amount);
                return true;
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out since);
    }

    [GeneratedRegex("^([0-9]{1,9})([smhdw])$", RegexOptions.CultureInvariant)]
    private static partial Regex RelativePattern();
}
