namespace McpGuard.Policy.Limits;

/// <summary>What one store counted for one call (see <see cref="ICounterStore.GiveBackAsync"/>).</summary>
/// <remarks>A value, not an object: every counted call has one, inside its <see cref="LimitReceipt"/>, and as a class
/// it was an allocation per call on the store's thread (bench/README.md, issue 27). <c>default</c> is
/// <see cref="Empty"/>.</remarks>
internal readonly record struct CountReceipt
{
    private readonly IReadOnlyList<CountedAmount>? _counted;

    public CountReceipt(IReadOnlyList<CountedAmount> counted) => _counted = counted;

    public static CountReceipt Empty => default;

    /// <summary>The amounts counted, in the order of the decision's demands; none for <see cref="Empty"/>.</summary>
    public IReadOnlyList<CountedAmount> Counted => _counted ?? [];

    public bool IsEmpty => _counted is not { Count: > 0 };
}
