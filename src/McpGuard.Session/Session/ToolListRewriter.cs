using System.Buffers;
using System.Text.Json;
using McpGuard.Policy.Json;
using McpGuard.Policy.Risk;

namespace McpGuard.Session;

/// <summary>
/// Removes hidden tools from a tools/list response by cutting their byte ranges out of the
/// <c>result.tools</c> array. Nothing else is re-serialised: every other tool, field, escape and the
/// page's <c>nextCursor</c> stay exactly as the server wrote them.
/// </summary>
internal static class ToolListRewriter
{
    /// <returns>The rewritten line, or null when nothing on the page is hidden (forward the original).</returns>
    /// <exception cref="JsonException">
    /// The page has duplicate keys. Parsers disagree on which duplicate counts (JsonElement takes the last, the
    /// cut below the first), so a hidden tool could pass in the copy the guard did not read: never forward it.
    /// </exception>
    public static byte[]? Rewrite(
        ReadOnlySequence<byte> line, Func<string, ToolHints?, bool> isHidden, out ToolListPage? page) =>
        Rewrite(line, ToolListJudges.HideOnly(isHidden), capTtl: false, out page);

    /// <param name="capTtl">
    /// With pins, a positive <c>result.ttlMs</c> becomes 0, so a client re-lists (through the pin check) instead of
    /// trusting a cached list (docs/relay.md#cache-hints).
    /// </param>
    public static byte[]? Rewrite(ReadOnlySequence<byte> line, ToolJudge judge, bool capTtl, out ToolListPage? page)
    {
        var bytes = line.ToArray();
        using var document = JsonDocument.Parse(
            bytes, new JsonDocumentOptions { MaxDepth = 1024, AllowDuplicateProperties = false });
        var hidden = new HashSet<int>();
        page = ReadPage(document.RootElement, judge, hidden);
        var cutTtl = capTtl && page is not null && HasPositiveTtl(document.RootElement);
        if (hidden.Count == 0 && !cutTtl)
        {
            return null;
        }

        var rewritten = hidden.Count == 0 ? bytes : CutElements(bytes, hidden);
        return cutTtl ? ZeroTtl(rewritten) : rewritten;
    }

    /// <summary>
    /// Reads the tools of a tools/list response; the indexes of hidden ones go into <paramref name="hidden"/>.
    /// Returns null when the answer has no tool list (an error): it says nothing about which tools exist.
    /// </summary>
    public static ToolListPage? ReadPage(JsonElement response, ToolJudge judge, HashSet<int> hidden)
    {
        if (!response.TryGetProperty("result"u8, out var result) || result.ValueKind != JsonValueKind.Object ||
            !result.TryGetProperty("tools"u8, out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var listed = new List<ListedTool>();
        var index = -1;
        foreach (var tool in tools.EnumerateArray())
        {
            index++;

            // A tool without a readable string name cannot be called by name; it is passed on and never callable.
            if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("name"u8, out var name)
                && JsonText.TryGetString(name) is { } toolName)
            {
                if (judge(tool, new ListedTool(toolName, ReadHints(tool))) is { } entry)
                {
                    listed.Add(entry);
                }
                else
                {
                    hidden.Add(index);
                }
            }
        }

        var next = result.TryGetProperty("nextCursor"u8, out var cursor) ? JsonText.TryGetString(cursor) : null;
        return new ToolListPage(listed, next);
    }

    private static ToolHints? ReadHints(JsonElement tool)
    {
        if (!tool.TryGetProperty("annotations"u8, out var annotations) || annotations.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new ToolHints
        {
            ReadOnlyHint = Bool(annotations, "readOnlyHint"u8),
            DestructiveHint = Bool(annotations, "destructiveHint"u8),
        };

        static bool? Bool(JsonElement obj, ReadOnlySpan<byte> name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? value.GetBoolean()
                : null;
    }

    /// <summary>
    /// Finds the byte range of every element of result.tools and rebuilds the array without the hidden ones.
    /// </summary>
    private static byte[] CutElements(byte[] bytes, HashSet<int> hidden)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 1024 });
        reader.Read();
        MoveToProperty(ref reader, "result"u8);
        reader.Read();
        MoveToProperty(ref reader, "tools"u8);
        reader.Read();
        var arrayOpen = (int)reader.TokenStartIndex;
        var kept = new List<Range>();
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (!hidden.Contains(index++))
            {
                kept.Add(start..(int)reader.BytesConsumed);
            }
        }

        var arrayClose = (int)reader.TokenStartIndex;
        var output = new ArrayBufferWriter<byte>(bytes.Length);
        output.Write(bytes.AsSpan(0, arrayOpen + 1));
        for (var i = 0; i < kept.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            output.Write(bytes.AsSpan(kept[i]));
        }

        output.Write(bytes.AsSpan(arrayClose));
        return output.WrittenSpan.ToArray();
    }

    private static bool HasPositiveTtl(JsonElement response) =>
        response.GetProperty("result"u8).TryGetProperty("ttlMs"u8, out var ttl) && ttl.ValueKind == JsonValueKind.Number
            && ttl.TryGetDouble(out var ms) && ms > 0;

    /// <summary>Replaces the bytes of <c>result.ttlMs</c>'s number with <c>0</c>; nothing else moves.</summary>
    private static byte[] ZeroTtl(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 1024 });
        reader.Read();
        MoveToProperty(ref reader, "result"u8);
        reader.Read();
        MoveToProperty(ref reader, "ttlMs"u8);
        reader.Read();
        var start = (int)reader.TokenStartIndex;
        var end = start + reader.ValueSpan.Length;
        return [.. bytes.AsSpan(0, start), .. "0"u8, .. bytes.AsSpan(end)];
    }

    /// <summary>
    /// Advances an object reader (positioned on StartObject) to the value of the named property's key.
    /// </summary>
    private static void MoveToProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                return;
            }

            reader.Read();
            reader.Skip();
        }

        throw new JsonException("property not found");
    }
}
