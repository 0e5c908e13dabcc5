namespace McpGuard.Telemetry;

/// <summary>
/// Span, attribute and metric names in one place: the OpenTelemetry MCP semantic conventions (the names the C# SDK
/// emits) and the guard's own <c>mcpguard.*</c>. samples/grafana's dashboard queries are checked against these.
/// </summary>
internal static class TelemetryNames
{
    public const string OperationDuration = "mcp.server.operation.duration";
    public const string Decisions = "mcpguard.decisions";
    public const string Approvals = "mcpguard.approvals";
    public const string LimitRefusals = "mcpguard.limit.refusals";
    public const string StoreDuration = "mcpguard.store.duration";
    public const string LimitUsed = "mcpguard.limit.used";
    public const string LimitMax = "mcpguard.limit.max";

    public const string MethodName = "mcp.method.name";
    public const string ProtocolVersion = "mcp.protocol.version";
    public const string SessionId = "mcp.session.id";
    public const string RequestId = "jsonrpc.request.id";
    public const string ToolName = "gen_ai.tool.name";
    public const string PromptName = "gen_ai.prompt.name";
    public const string OperationName = "gen_ai.operation.name";
    public const string ToolArguments = "gen_ai.tool.call.arguments";
    public const string NetworkTransport = "network.transport";
    public const string ErrorType = "error.type";

    public const string Decision = "mcpguard.decision";
    public const string Rule = "mcpguard.rule";
    public const string Risk = "mcpguard.risk";
    public const string Agent = "mcpguard.agent";
    public const string ApprovalChannel = "mcpguard.approval.channel";
    public const string Redactions = "mcpguard.redactions";

    /// <summary>Metric tag names (low cardinality: never arguments, never request ids).</summary>
    public const string DecisionTag = "decision";
    public const string RuleTag = "rule";
    public const string ToolTag = "tool";
    public const string OutcomeTag = "outcome";
    public const string ChannelTag = "channel";
    public const string EntryTag = "entry";
    public const string KindTag = "kind";
    public const string WindowTag = "window";
    public const string StoreTag = "store";

    /// <summary>The <c>tool</c> label of a call to a tool the server did not list or the policy hides.</summary>
    public const string UnlistedToolLabel = "(unknown)";

    /// <summary>The <c>tool</c> label of a call without a usable name.</summary>
    public const string InvalidToolLabel = "(invalid)";
}
