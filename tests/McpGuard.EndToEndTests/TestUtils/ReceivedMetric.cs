namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>One metric as received: its name and the attributes of each of its data points.</summary>
internal sealed record ReceivedMetric(string Name, IReadOnlyList<IReadOnlyDictionary<string, string>> Points);
