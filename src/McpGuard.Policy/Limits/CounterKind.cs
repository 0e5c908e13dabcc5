namespace McpGuard.Policy.Limits;

/// <summary>What a counter adds up: calls (a <c>rate_limit</c>) or an argument's amounts (a <c>budget</c>).</summary>
internal enum CounterKind
{
    Rate,
    Budget,
}
