namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>One span as received: kind is OTLP's number (SERVER 2, CLIENT 3).</summary>
internal sealed record ReceivedSpan(
    string Name, int Kind, string TraceId, string SpanId, string ParentSpanId,
    IReadOnlyDictionary<string, string> Attributes);
