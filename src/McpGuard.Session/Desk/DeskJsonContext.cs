using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpGuard.Desk;

/// <summary>
/// Source-generated JSON for the desk's answers (web defaults: camelCase names, as the page and the guards read
/// them). The tool is Native AOT, where reflection-based serialisation is unavailable; the string entry covers the
/// plain-text problem bodies of <c>Results.BadRequest</c>/<c>Conflict</c>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeskState))]
[JsonSerializable(typeof(DeskGuardAnswer))]
[JsonSerializable(typeof(DeskGuardReport))]
[JsonSerializable(typeof(string))]
internal sealed partial class DeskJsonContext : JsonSerializerContext;
