using System.Text.Json;

namespace McpGuard.Policy.Pins;

/// <summary>
/// One tool in a lock file: its name, the SHA-256 (lowercase hex) of the RFC 8785 form of its definition without
/// <c>_meta</c>, and that definition, kept so that drift can be shown to a person.
/// </summary>
internal sealed record PinnedTool(string Name, string Sha256, JsonElement Definition);
