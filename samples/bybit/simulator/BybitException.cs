namespace McpGuard.BybitSimulator;

/// <summary>
/// A request the exchange refuses, with Bybit's retCode (10001 = parameter error, 110001 = order not found).
/// </summary>
internal sealed class BybitException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
