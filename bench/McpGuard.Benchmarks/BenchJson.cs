using System.Text.Json.Serialization;

namespace McpGuard.Benchmarks;

/// <summary>The benchmark's JSON: commands handed to the real-client script and the milliseconds it answers.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, List<double>>))]
internal sealed partial class BenchJson : JsonSerializerContext;
