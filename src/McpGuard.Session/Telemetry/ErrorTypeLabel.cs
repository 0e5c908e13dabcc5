using System.Globalization;

namespace McpGuard.Telemetry;

/// <summary>
/// <c>error.type</c> of a request that ended with a JSON-RPC error: its code when JSON-RPC defines it (-32700,
/// -32600 to -32603) or it lies in the range JSON-RPC reserves for implementations (-32000 to -32099, where MCP's
/// codes and the guard's own are), any other <see cref="Other"/>. The server picks the code: as a label of its own,
/// a server answering with made-up codes (1, 2, 3…) made a series each (<see cref="MethodLabel"/> says what that
/// costs), and the OpenTelemetry conventions ask for a bounded <c>error.type</c> with <c>_OTHER</c> for the rest.
/// </summary>
internal static class ErrorTypeLabel
{
    public const string Other = MethodLabel.Other;

    private const int ReservedLow = -32099;
    private const int ReservedHigh = -32000;

    // Made once, so no answer allocates its label.
    private static readonly string[] s_reserved = [.. Enumerable.Range(ReservedLow, ReservedHigh - ReservedLow + 1)
        .Select(code => code.ToString(CultureInfo.InvariantCulture))];

    private static readonly string[] s_standard =
        [.. new[] { -32700, -32600, -32601, -32602, -32603 }.Select(c => c.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The label of an error answer with <paramref name="code"/>.</summary>
    public static string Of(long code) => code switch
    {
        >= ReservedLow and <= ReservedHigh => s_reserved[code - ReservedLow],
        -32700 => s_standard[0],
        >= -32603 and <= -32600 => s_standard[1 + (int)(-32600 - code)],
        _ => Other,
    };
}
