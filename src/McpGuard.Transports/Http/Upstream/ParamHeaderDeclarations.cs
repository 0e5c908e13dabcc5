using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The <c>x-mcp-header</c> declarations of the upstream's tools, learned from its own <c>tools/list</c> answers:
/// a 2026-07-28 <c>tools/call</c> of such a tool carries <c>Mcp-Param-NAME</c> headers mirroring those arguments of
/// the judged body (a server checks they equal it, else 400 with -32020). One table per guard, shared by its sessions.
/// </summary>
internal sealed class ParamHeaderDeclarations
{
    private const string Prefix = "Mcp-Param-";

    private readonly ConcurrentDictionary<string, ParamHeader[]> _tools = new(StringComparer.Ordinal);

    /// <summary>Reads the tools of a <c>tools/list</c> response (one page); a tool listed again is replaced.</summary>
    public void Learn(ReadOnlyMemory<byte> response)
    {
        try
        {
            using var document = JsonDocument.Parse(response);
            if (!document.RootElement.TryGetProperty("result"u8, out var result)
                || !result.TryGetProperty("tools"u8, out var tools) || tools.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("name"u8, out var name)
                    && name.ValueKind == JsonValueKind.String && tool.TryGetProperty("inputSchema"u8, out var schema))
                {
                    var declared = ParamHeader.Scan(schema);
                    if (declared.Length > 0)
                    {
                        _tools[name.GetString()!] = declared;
                    }
                    else
                    {
                        _tools.TryRemove(name.GetString()!, out _);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // The session refuses what does not parse; nothing to learn from it.
        }
    }

    /// <summary>Adds the <c>Mcp-Param-*</c> headers of a 2026-07-28 call of <paramref name="tool"/>.</summary>
    public void AddTo(HttpRequestHeaders headers, string tool, ReadOnlyMemory<byte> body)
    {
        if (_tools.IsEmpty || !_tools.TryGetValue(tool, out var declared))
        {
            return;
        }

        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("params"u8, out var parameters)
            || parameters.ValueKind != JsonValueKind.Object
            || !parameters.TryGetProperty("arguments"u8, out var arguments))
        {
            return;
        }

        foreach (var header in declared)
        {
            if (header.ValueIn(arguments) is { } value)
            {
                headers.TryAddWithoutValidation(Prefix + header.Name, McpRequestHeaders.Encode(value));
            }
        }
    }
}
