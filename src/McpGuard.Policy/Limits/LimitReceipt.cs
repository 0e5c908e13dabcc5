namespace McpGuard.Policy.Limits;

/// <summary>
/// What a forwarded call counted, in the shared store and in this guard's session store: given back if the call did not
/// run.
/// </summary>
/// <remarks>A value, not an object, for the reason <see cref="CountReceipt"/> gives; <c>default</c> is
/// <see cref="Empty"/>.</remarks>
internal readonly record struct LimitReceipt(CountReceipt Shared, CountReceipt Session)
{
    public static LimitReceipt Empty => default;

    public bool IsEmpty => Shared.IsEmpty && Session.IsEmpty;
}
