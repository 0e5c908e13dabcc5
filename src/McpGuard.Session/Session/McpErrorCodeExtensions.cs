using ModelContextProtocol;

namespace McpGuard.Session;

internal static class McpErrorCodeExtensions
{
    public static int AsInt(this McpErrorCode code) => (int)code;
}
