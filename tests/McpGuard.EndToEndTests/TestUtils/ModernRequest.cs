namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>What a 2026-07-28 request written by hand carries in its params: the era's <c>_meta</c> member.</summary>
internal static class ModernRequest
{
    /// <summary>
    /// The <c>"_meta":{…}</c> member (no braces around it), to place beside a request's other params.
    /// </summary>
    public const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
}
