namespace McpGuard.Policy.Limits;

/// <summary>What one store counted for one call (see <see cref="ICounterStore.GiveBackAsync"/>).</summary>
internal sealed record CountReceipt(IReadOnlyList<CountedAmount> Counted)
{
    public static CountReceipt Empty { get; } = new([]);

    public bool IsEmpty => Counted.Count == 0;
}
