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
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Entry, StringComparer.Ordinal);
        hash.Add(Kind);
        hash.Add(Window);
        foreach (var value in Per.AsSpan())
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
