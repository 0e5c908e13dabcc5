using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using McpGuard.Inventory;
using ModelContextProtocol.Protocol;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// An MCP server in memory that answers raw JSON-RPC lines from a script, for the inspection commands
/// (tools, check, init): hostile names, malformed answers and servers of each protocol era, without a child
/// process or Node.js. A method without a scripted result is answered "method not found".
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly Func<string, string?> _results;
    private readonly bool _exitsBeforeInitialize;
    private readonly Task _loop;

    /// <param name="results">The raw JSON <c>result</c> for a method, or null to answer "method not found".</param>
    /// <param name="exitsBeforeInitialize">
    /// Hang up on any request before <c>initialize</c>, as a server on the Python SDK 1.9.3 does (it exits).
    /// </param>
    public ScriptedServer(Func<string, string?> results, bool exitsBeforeInitialize = false)
    {
        _results = results;
        _exitsBeforeInitialize = exitsBeforeInitialize;
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Every line the server received, in order (read once the command has finished).</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    /// <summary>A server that lists <paramref name="toolsJson"/> (a JSON array of tools) in one page.</summary>
    public static ScriptedServer Listing(
        string toolsJson, string serverName = "scripted", bool exitsBeforeInitialize = false) =>
        new(method => method switch
    {
        "initialize" => $$$"""{"protocolVersion":"2025-06-18","capabilities":{"tools":{}}"""
            + $$$""","serverInfo":{"name":"{{{JsonEncodedText.Encode(serverName)}}}","version":"1"}}""",
        "tools/list" => $$"""{"tools":{{toolsJson}}}""",
        _ => null,
    }, exitsBeforeInitialize);

    public ServerConnector Connector =>
        new((_, _) => new StreamClientTransport(_toServer.Writer.AsStream(), _toClient.Reader.AsStream()));

    private async Task ServeAsync()
    {
        using var reader = new StreamReader(_toServer.Reader.AsStream(), Encoding.UTF8);
        var writer = _toClient.Writer.AsStream();
        var initialized = false;
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            Received.Enqueue(line);
            using var message = JsonDocument.Parse(line);
            var root = message.RootElement;
            if (!root.TryGetProperty("id", out var id) || !root.TryGetProperty("method", out var method))
            {
                continue;
            }

            initialized |= method.GetString() == "initialize";
            if (_exitsBeforeInitialize && !initialized)
            {
                break;
            }

            // One line per message: a result written across lines (a raw string literal) is compacted first.
            var result = _results(method.GetString()!) is { } raw
                ? System.Text.Json.Nodes.JsonNode.Parse(raw)!.ToJsonString()
                : null;
            var answer = result is null
                ? $$$"""{"jsonrpc":"2.0","id":{{{id.GetRawText()}}}"""
                    + $$$""","error":{"code":-32601,"message":"Method not found"}}"""
                : $$"""{"jsonrpc":"2.0","id":{{id.GetRawText()}},"result":{{result}}}""";
            await writer.WriteAsync(Encoding.UTF8.GetBytes(answer + "\n"));
            await writer.FlushAsync();
        }

        await _toClient.Writer.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await _loop.WaitAsync(TestConstants.DefaultTimeout, CancellationToken.None);
    }
}
