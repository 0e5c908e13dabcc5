namespace McpGuard.Telemetry;

/// <summary>
/// A span's attributes (docs/telemetry.md): the MCP semantic conventions' on both spans, the guard's own decision on
/// the SERVER span only. Each key's bytes are encoded once, here.
/// </summary>
internal static class SpanAttributes
{
    private const byte Tag = 0x4A; // Span.attributes, field 9

    private static readonly byte[] s_method = OtlpAttributes.Key(TelemetryNames.MethodName);
    private static readonly byte[] s_requestId = OtlpAttributes.Key(TelemetryNames.RequestId);
    private static readonly byte[] s_transport = OtlpAttributes.Key(TelemetryNames.NetworkTransport);
    private static readonly byte[] s_sessionId = OtlpAttributes.Key(TelemetryNames.SessionId);
    private static readonly byte[] s_protocolVersion = OtlpAttributes.Key(TelemetryNames.ProtocolVersion);
    private static readonly byte[] s_tool = OtlpAttributes.Key(TelemetryNames.ToolName);
    private static readonly byte[] s_operation = OtlpAttributes.Key(TelemetryNames.OperationName);
    private static readonly byte[] s_errorType = OtlpAttributes.Key(TelemetryNames.ErrorType);
    private static readonly byte[] s_agent = OtlpAttributes.Key(TelemetryNames.Agent);
    private static readonly byte[] s_arguments = OtlpAttributes.Key(TelemetryNames.ToolArguments);
    private static readonly byte[] s_decision = OtlpAttributes.Key(TelemetryNames.Decision);
    private static readonly byte[] s_rule = OtlpAttributes.Key(TelemetryNames.Rule);
    private static readonly byte[] s_risk = OtlpAttributes.Key(TelemetryNames.Risk);
    private static readonly byte[] s_channel = OtlpAttributes.Key(TelemetryNames.ApprovalChannel);
    private static readonly byte[] s_redactions = OtlpAttributes.Key(TelemetryNames.Redactions);

    /// <summary>The attributes both spans carry: the MCP ones.</summary>
    public static void WriteCommon(ProtoWriter writer, RequestTrace request)
    {
        OtlpAttributes.String(writer, Tag, s_method, request.Method);
        if (request.Id is { } id)
        {
            OtlpAttributes.Utf8(writer, Tag, s_requestId, id);
        }

        OtlpAttributes.String(writer, Tag, s_transport, request.Transport);
        OtlpAttributes.String(writer, Tag, s_sessionId, request.SessionId);
        OtlpAttributes.String(writer, Tag, s_protocolVersion, request.ProtocolVersion);
        if (request.Tool is { } tool)
        {
            OtlpAttributes.String(writer, Tag, s_tool, tool);
            OtlpAttributes.String(writer, Tag, s_operation, "execute_tool");
        }

        OtlpAttributes.String(writer, Tag, s_errorType, request.ErrorType);
    }

    /// <summary>The SERVER span's own: who called, and the guard's decision.</summary>
    public static void WriteServer(ProtoWriter writer, RequestTrace request)
    {
        OtlpAttributes.String(writer, Tag, s_agent, request.Caller);
        OtlpAttributes.String(writer, Tag, s_arguments, request.Arguments);
        OtlpAttributes.String(writer, Tag, s_decision, request.Decision);
        OtlpAttributes.String(writer, Tag, s_rule, request.Rule);
        OtlpAttributes.String(writer, Tag, s_risk, request.Risk);
        OtlpAttributes.String(writer, Tag, s_channel, request.Channel);
        if (request.Redactions is { } redactions)
        {
            OtlpAttributes.Int(writer, Tag, s_redactions, redactions);
        }
    }
}
