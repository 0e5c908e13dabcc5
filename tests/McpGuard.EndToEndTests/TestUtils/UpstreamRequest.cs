using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// One request the scripted upstream received: method, headers (names lower-case), body and its JSON-RPC facts.
/// </summary>
internal sealed record UpstreamRequest(string Method, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The JSON-RPC method of the body, or null.</summary>
    public string? RpcMethod => Json is { } json && json.TryGetProperty("method", out var m) ? m.GetString() : null;

    /// <summary>The raw JSON of the body's id, or "null".</summary>
    public string Id => Json is { } json && json.TryGetProperty("id", out var id) ? id.GetRawText() : "null";

    public string? ToolName =>
        Json is { } json && json.TryGetProperty("params", out var p) && p.TryGetProperty("name", out var n)
            ? n.GetString()
            : null;

    private JsonElement? Json => Body.Length > 0 ? JsonDocument.Parse(Body).RootElement : null;

    public static async Task<UpstreamRequest> ReadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("closed before the request's head ended");
            }

            head.Append((char)one[0]);
        }

        var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0].Trim().ToLowerInvariant())
            .ToDictionary(group => group.Key, group => string.Join(", ", group.Select(parts => parts[1].Trim())));
        var body = new byte[headers.TryGetValue("content-length", out var length)
            ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)
            : 0];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return new UpstreamRequest(lines[0].Split(' ')[0], headers, Encoding.UTF8.GetString(body));
    }
}
