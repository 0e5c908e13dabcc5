using System.Text.Json.Serialization;

namespace McpGuard.Cli;

/// <summary>
/// Source-generated JSON for the commands' <c>--json</c> output: the tool is Native AOT, where reflection-based
/// serialisation is unavailable (the trim analyzers reject it at build time).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<ToolInventoryEntry>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
