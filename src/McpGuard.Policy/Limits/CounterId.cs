using System.Collections.Immutable;

namespace McpGuard.Policy.Limits;

/// <summary>
/// Which counter a limit counts in: its namespace (guards sharing a store and a namespace share counters), its
/// entry (<c>tools.place_order</c>, or <c>limits</c> for the global rate limit), its kind and window, and the
/// values of its <c>per</c> arguments. Never the policy's text: a reload that rewrites <c>max: 0.5</c> as
/// <c>max: 0.50</c>, or changes anything but the window, keeps the count.
/// </summary>
internal readonly record struct CounterId(
    string Namespace, string Entry, CounterKind Kind, TimeSpan Window, ImmutableArray<string> Per)
{
    /// <summary>The entry name of the global rate limit (<c>limits.rate_limit</c>).</summary>
    public const string GlobalEntry = "limits";

    // The identity is read-only (no `with`), so the hash is computed once, here: the stores look a counter up
    // several times per decision, and a policy's fixed rate limits keep one CounterId for every call (FixedRates).
    private readonly int _hash = Hash(Entry, Kind, Window, Per);

    public string Namespace { get; } = Namespace;

    public string Entry { get; } = Entry;

    public CounterKind Kind { get; } = Kind;

    public TimeSpan Window { get; } = Window;

    public ImmutableArray<string> Per { get; } = Per;

    public bool Equals(CounterId other) =>
        string.Equals(Namespace, other.Namespace, StringComparison.Ordinal)
        && string.Equals(Entry, other.Entry, StringComparison.Ordinal)
        && Kind == other.Kind
        && Window == other.Window
        && Per.AsSpan().SequenceEqual(other.Per.AsSpan());

    /// <summary>
    /// Leaves the namespace out: one guard counts in one namespace (by default the policy's absolute path, a long
    /// string), and hashing it was the larger part of every decision's counter lookups. Equals still compares it.
    /// </summary>
    public override int GetHashCode() => _hash;

    private static int Hash(string entry, CounterKind kind, TimeSpan window, ImmutableArray<string> per)
    {
        var hash = new HashCode();
        hash.Add(entry, StringComparer.Ordinal);
        hash.Add(kind);
        hash.Add(window);
        foreach (var value in per.AsSpan())
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
