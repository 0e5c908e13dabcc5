using System.Collections.Concurrent;

namespace McpGuard.Telemetry;

/// <summary>
/// Span names (<c>{mcp.method.name} {gen_ai.tool.name}</c>), made once per tool rather than once per call. Tool names
/// come from the client, so the cache is bounded: past <see cref="MaxCached"/> names a name is built per call.
/// </summary>
internal static class SpanNames
{
    public const int MaxCached = 1024;

    private static readonly ConcurrentDictionary<string, string> s_toolCalls = new(StringComparer.Ordinal);

    public static string Of(string method, string? tool)
    {
        if (tool is null)
        {
            return method;
        }

        if (method != ModelContextProtocol.Protocol.RequestMethods.ToolsCall)
        {
            return method + " " + tool;
        }

        if (s_toolCalls.TryGetValue(tool, out var name))
        {
            return name;
        }

        name = method + " " + tool;
        if (s_toolCalls.Count < MaxCached)
        {
            s_toolCalls.TryAdd(tool, name);
        }

        return name;
    }
}
