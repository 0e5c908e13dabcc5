namespace McpGuard.Policy.Limits;

/// <summary>
/// What a forwarded call counted, in the shared store and in this guard's session store: given back if the call did not
/// run.
/// </summary>
internal sealed record LimitReceipt(CountReceipt Shared, CountReceipt Session)
{
    public static LimitReceipt Empty { get; } = new(CountReceipt.Empty, CountReceipt.Empty);

    public bool IsEmpty => Shared.IsEmpty && Session.IsEmpty;
}
