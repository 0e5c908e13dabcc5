namespace McpGuard.Http.Upstream;

/// <summary>What one reader pass over an upstream message found (<see cref="InboundScan"/>).</summary>
internal enum InboundCheck
{
    /// <summary>One JSON-RPC 2.0 object without duplicate keys.</summary>
    Valid,

    /// <summary>Not JSON, not one object, a duplicate key, or not JSON-RPC 2.0: never handed on.</summary>
    Invalid,

    /// <summary>Escaped or very many property names: a document decides, as it always did.</summary>
    Undecided,
}
