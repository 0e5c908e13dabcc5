namespace McpGuard.Policy;

/// <summary>One counter a call needs, with what to say when it refuses (<see cref="LimitPlan"/>).</summary>
internal sealed record PlannedLimit(CounterDemand Demand, LimitScope Scope, CounterScope Storage, string RefusedText);
