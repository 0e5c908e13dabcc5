namespace McpGuard.Policy;

/// <summary>The sum of a numeric argument over the calls forwarded in a sliding window stays within <see cref="Max"/>.</summary>
internal sealed record BudgetSpec(ArgumentPath Argument, StrictDecimal Max, TimeSpan Window)
{
    public override string ToString() => $"sum of {Argument} <= {Max} per {Duration.Format(Window)}";
}
