namespace McpGuard.Policy.Limits;

/// <summary>
/// The one place that maps <see cref="CounterKind"/> to the words stores and <c>mcpguard limits</c> write.
/// </summary>
internal static class CounterKinds
{
    public static string Word(CounterKind kind) => kind switch
    {
        CounterKind.Rate => "rate_limit",
        CounterKind.Budget => "budget",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? word, out CounterKind kind)
    {
        kind = word == "budget" ? CounterKind.Budget : CounterKind.Rate;
        return word is "rate_limit" or "budget";
    }
}
