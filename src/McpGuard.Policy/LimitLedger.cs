using System.Globalization;
using System.Text.Json;

namespace McpGuard.Policy;

/// <summary>
/// The counters of every rate limit and budget. One lock makes "check every limit, then count in all of them"
/// atomic: a burst of 50 calls against <c>max: 2</c> forwards exactly 2, and a call refused by one limit
/// is counted in none.
/// </summary>
internal sealed class LimitLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SlidingWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>Checks and, if all pass, counts one forwarded call. Returns null, or why not (with retry-after).</summary>
    public string? TryConsume(ToolEntry? entry, RateLimitSpec? global, string toolName, JsonElement arguments, DateTimeOffset now)
    {
        StrictDecimal? amount = null;
        if (entry?.Budget is { } budget)
        {
            if (BudgetValue(budget.Argument, arguments) is not { } value || PolicyValue.ArgumentNumber(value) is not { } number)
            {
                return $"the budget of {entry.Pattern.Pattern} needs argument '{budget.Argument}' as a strict number.";
            }

            amount = number;
        }

        lock (_lock)
        {
            var rate = entry?.RateLimit is { } r ? Window(entry.RateKey, r.Window, now) : null;
            var sum = entry?.Budget is { } b ? Window(entry.BudgetKey, b.Window, now) : null;
            var all = global is not null ? Window(global.LedgerKey, global.Window, now) : null;

            if (rate is not null && rate.Count >= entry!.RateLimit!.Max)
            {
                return $"rate limit of {entry.RateLimit} for {entry.Pattern.Pattern} reached; retry after {Seconds(rate.RetryAfter(now))}.";
            }

            if (all is not null && all.Count >= global!.Max)
            {
                return $"global rate limit of {global} reached; retry after {Seconds(all.RetryAfter(now))}.";
            }

            if (sum is not null && sum.Sum + amount!.Value > entry!.Budget!.Max)
            {
                return $"budget of {entry.Budget} for {entry.Pattern.Pattern} would be exceeded; retry after {Seconds(sum.RetryAfterFor(amount.Value, entry.Budget.Max, now))}.";
            }

            rate?.Add(now, default);
            sum?.Add(now, amount!.Value);
            all?.Add(now, default);
            return null;
        }
    }

    /// <summary>Keeps only the counters whose keys the new policy still has (unchanged entries keep their counts).</summary>
    public void Retain(IReadOnlySet<string> keys)
    {
        lock (_lock)
        {
            foreach (var key in _windows.Keys.Where(k => !keys.Contains(k[..k.LastIndexOf('|')])).ToList())
            {
                _windows.Remove(key);
            }
        }
    }

    /// <summary>The one value a budget sums for this call, or null when there is not exactly one.</summary>
    private static JsonElement? BudgetValue(ArgumentPath path, JsonElement arguments)
    {
        if (path.IsSingle)
        {
            return path.ResolveSingle(arguments, out var single) == ArgumentLookup.Found ? single : null;
        }

        var values = new List<JsonElement>();
        return path.Resolve(arguments, values) == ArgumentLookup.Found && values.Count == 1 ? values[0] : null;
    }

    public static string GlobalKey(RateLimitSpec global) => "limits|" + global;

    /// <summary>The global counter's key in the ledger (see <see cref="Retain"/>).</summary>
    internal static string GlobalRateKey(RateLimitSpec global) => GlobalKey(global) + "|rate";

    private SlidingWindow Window(string key, TimeSpan window, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(key, out var counter))
        {
            _windows[key] = counter = new SlidingWindow(window);
        }

        counter.Expire(now);
        return counter;
    }

    private static string Seconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
}
