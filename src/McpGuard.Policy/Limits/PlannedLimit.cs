namespace McpGuard.Policy.Limits;

/// <summary>
/// One counter a call needs (<see cref="LimitPlan"/>), with what it needs to say why it refused. The words are
/// built only on a refusal: a call that fits, the hot path, never formats them.
/// </summary>
/// <param name="Owner">The entry's pattern (<c>place_order</c>), or <c>limits</c> for the global rate limit.</param>
/// <param name="Rate">The rate limit counted, or null for a budget.</param>
/// <param name="Budget">The budget counted, or null for a rate limit.</param>
internal sealed record PlannedLimit(
    CounterDemand Demand, LimitScope Scope, CounterScope Storage, string Owner, RateLimitSpec? Rate, BudgetSpec? Budget)
{
    public string RefusedText => Budget is { } budget
        ? $"budget of {budget} for {Owner}{LimitWords.Per(budget.Per)}{AgentWords} would be exceeded"
        : Scope == LimitScope.Global
            ? $"global rate limit of {Rate}{LimitWords.Per(Rate!.Per)}{AgentWords} reached"
            : $"rate limit of {Rate} for {Owner}{LimitWords.Per(Rate!.Per)}{AgentWords} reached";

    /// <summary>This limit as <c>mcpguard limits</c> and the gauges name it.</summary>
    public LimitName Name => new(Owner, Demand.Counter.Kind, Demand.Counter.Window);

    /// <summary>The budget named, for a call whose amount alone is over its max.</summary>
    public string NeverFitsText => $"budget of {Budget} for {Owner}{LimitWords.Per(Budget!.Per)}{AgentWords}";

    private string AgentWords => Storage == CounterScope.Agent ? " for this agent" : "";
}
