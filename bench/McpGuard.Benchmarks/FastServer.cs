using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>
/// A stdio MCP server that costs almost nothing, so the figures measure the relay: it answers by splicing the
/// request's id into canned responses, without parsing JSON. Tools: place_order (small result), big (20 MB).
/// </summary>
internal static class FastServer
{
    private const string ToolsList =
        """{"tools":[{"name":"place_order","description":"Places an order.","inputSchema":"""
        + """{"type":"object","properties":{"symbol":{"type":"string"},"qty":{"type":"string"}}}}"""
        + """,{"name":"big","description":"Returns 20 MB.","inputSchema":{"type":"object"}}"""
        + """,{"name":"cancel_all_orders","description":"Cancels everything.","inputSchema":{"type":"object"}}]}""";
    private static readonly string s_big = "{\"content\":[{\"type\":\"text\",\"text\":\""
        + new string('x', 20 * 1024 * 1024) + "\"}]}";

    public static async Task<int> RunAsync(Stream input, Stream output)
    {
        using var reader = new StreamReader(input, Encoding.UTF8, false, 1 << 16);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        while (await reader.ReadLineAsync() is { } line)
        {
            var id = IdOf(line);
            if (id is null)
            {
                continue;
            }

            var result = line.Contains("\"initialize\"", StringComparison.Ordinal)
                ? """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}}"""
                    + ""","serverInfo":{"name":"fast","version":"1"}}"""
                : line.Contains("\"tools/list\"", StringComparison.Ordinal) ? ToolsList
                : line.Contains("\"name\":\"big\"", StringComparison.Ordinal) ? s_big
                : line.Contains("\"tools/call\"", StringComparison.Ordinal)
                    ? """{"content":[{"type":"text","text":"{\"retCode\":0,"""
                        + """\"retMsg\":\"OK\",\"result\":{\"orderId\":\"1\"}}"}]}"""
                : "{}";
            await writer.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":");
            await writer.WriteAsync(id);
            await writer.WriteAsync(",\"result\":");
            await writer.WriteAsync(result);
            await writer.WriteAsync("}\n");

            // One write per answer; checking for more buffered input would block on an empty pipe.
            await writer.FlushAsync();
        }

        return 0;
    }

    /// <summary>The raw id token of a request (notifications have none).</summary>
    public static string? IdOf(string line)
    {
        var at = line.IndexOf("\"id\":", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + 5;
        var end = start;
        while (end < line.Length && line[end] is not (',' or '}'))
        {
            end++;
        }

        return line[start..end];
    }
}
