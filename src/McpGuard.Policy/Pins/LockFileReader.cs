using System.Text.Json;
using McpGuard.Policy.Json;
using McpGuard.Policy.Yaml;

namespace McpGuard.Policy.Pins;

/// <summary>
/// Reads a lock file (docs/pins.md#the-lock-file). Everything is checked, because a lock file that is wrong in
/// any way must stop the guard rather than pin less than the person reviewed: the shape, the names (each once,
/// equal to the definition's own name), and every <c>sha256</c> against its definition, so a hand edit that
/// changes one without the other is caught.
/// </summary>
internal static class LockFileReader
{
    public const int Version = 1;

    private static readonly string[] s_topKeys = ["version", "tools"];
    private static readonly string[] s_toolKeys = ["name", "sha256", "definition"];

    public static LockFileLoadResult Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(path, "$", ex is FileNotFoundException or DirectoryNotFoundException
                ? "the lock file does not exist; write it with `mcpguard pin --policy POLICY -- SERVER COMMAND` and " +
                  "review it"
                : $"cannot read the lock file: {ex.Message}");
        }

        return Parse(bytes, path);
    }

    public static LockFileLoadResult Parse(ReadOnlyMemory<byte> bytes, string path)
    {
        JsonDocument document;
        try
        {
            var options = new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 256 };
            document = JsonDocument.Parse(bytes, options);
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            return new LockFileLoadResult
            {
                Errors = [new PolicyError(path, line, column, "$", $"not valid JSON: {ex.Message}")],
            };
        }

        using (document)
        {
            var errors = new List<PolicyError>();
            var tools = ReadTools(document.RootElement, path, errors);
            return errors.Count > 0
                ? new LockFileLoadResult { Errors = errors }
                : new LockFileLoadResult { Pins = new PinSet(path, tools) };
        }
    }

    private static List<PinnedTool> ReadTools(JsonElement root, string path, List<PolicyError> errors)
    {
        var tools = new List<PinnedTool>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path, 0, 0, "$", "must be an object with version and tools"));
            return tools;
        }

        CheckKeys(root, "$", s_topKeys, path, errors);
        if (!root.TryGetProperty("version"u8, out var version) || version.ValueKind != JsonValueKind.Number
            || !version.TryGetInt32(out var v) || v != Version)
        {
            errors.Add(new(path, 0, 0, "$.version", $"must be {Version} (a lock file written by `mcpguard pin`)"));
        }

        if (!root.TryGetProperty("tools"u8, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(path, 0, 0, "$.tools", "must be a list of pinned tools"));
            return tools;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"$.tools[{index++}]";
            if (ReadTool(item, at, path, errors) is not { } tool)
            {
                continue;
            }

            if (seen.Add(tool.Name))
            {
                tools.Add(tool);
            }
            else
            {
                errors.Add(new(path, 0, 0, $"{at}.name", $"'{tool.Name}' is pinned twice"));
            }
        }

        return tools;
    }

    private static PinnedTool? ReadTool(JsonElement item, string at, string path, List<PolicyError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path, 0, 0, at, "must be an object with name, sha256 and definition"));
            return null;
        }

        CheckKeys(item, at, s_toolKeys, path, errors);
        var name = item.TryGetProperty("name"u8, out var n) ? JsonText.TryGetString(n) : null;
        var sha = item.TryGetProperty("sha256"u8, out var s) ? JsonText.TryGetString(s) : null;
        if (name is null)
        {
            errors.Add(new(path, 0, 0, $"{at}.name", "must be the tool's name (a string)"));
        }

        if (sha is null || sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower))
        {
            errors.Add(new(path, 0, 0, $"{at}.sha256", "must be 64 lowercase hex digits"));
        }

        if (!item.TryGetProperty("definition"u8, out var definition))
        {
            errors.Add(new(path, 0, 0, $"{at}.definition", "must be the tool as the server listed it"));
            return null;
        }

        if (!ToolDefinition.TryFingerprint(definition, out var fingerprint, out var problem))
        {
            errors.Add(new(path, 0, 0, $"{at}.definition", $"must be the tool as the server listed it ({problem})"));
            return null;
        }

        if (name is null || sha is null)
        {
            return null;
        }

        if (!string.Equals(fingerprint.Name, name, StringComparison.Ordinal))
        {
            errors.Add(new(
                path, 0, 0, $"{at}.name", $"'{name}' is not the name in its definition ('{fingerprint.Name}')"));
            return null;
        }

        if (!string.Equals(fingerprint.Sha256, sha, StringComparison.Ordinal))
        {
            errors.Add(new(
                path, 0, 0, $"{at}.sha256",
                $"does not match the definition of '{name}' (edited by hand?); re-pin with `mcpguard pin` and " +
                "review the diff"));
            return null;
        }

        return fingerprint;
    }

    private static void CheckKeys(JsonElement obj, string at, string[] known, string path, List<PolicyError> errors)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                var message = $"unknown key (known: {string.Join(", ", known)})";
                errors.Add(new(path, 0, 0, $"{at}.{property.Name}", message));
            }
        }
    }

    private static LockFileLoadResult Fail(string path, string at, string message) =>
        new() { Errors = [new PolicyError(path, 0, 0, at, message)] };
}
