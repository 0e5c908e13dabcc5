namespace McpGuard.Policy.Limits;

/// <summary>
/// A counter store could not be read or written (for <c>mcpguard limits</c>; decisions get Unavailable instead).
/// </summary>
internal sealed class CounterStoreException : Exception
{
    public CounterStoreException()
    {
    }

    public CounterStoreException(string message)
        : base(message)
    {
    }

    public CounterStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
