using ModelContextProtocol;

namespace McpGuard.Relay;

internal static class McpErrorCodeExtensions
{
    public static int AsInt(this McpErrorCode code) => (int)code;
}
