namespace McpGuard.Telemetry;

/// <summary>
/// A span's attributes (docs/telemetry.md): the MCP semantic conventions' on both spans, the guard's own decision on
/// the SERVER span only. Each key's bytes are encoded once; the values that repeat from span to span are copied
/// (<see cref="RepeatedAttribute"/>), so one instance belongs to one export thread.
/// </summary>
internal sealed class SpanAttributes
{
    private const byte Tag = 0x4A; // Span.attributes, field 9

    private static readonly byte[] s_requestId = OtlpAttributes.Key(TelemetryNames.RequestId);
    private static readonly byte[] s_sessionId = OtlpAttributes.Key(TelemetryNames.SessionId);
    private static readonly byte[] s_errorType = OtlpAttributes.Key(TelemetryNames.ErrorType);
    private static readonly byte[] s_arguments = OtlpAttributes.Key(TelemetryNames.ToolArguments);
    private static readonly byte[] s_redactions = OtlpAttributes.Key(TelemetryNames.Redactions);

    private readonly RepeatedAttribute _method = new(TelemetryNames.MethodName);
    private readonly RepeatedAttribute _transport = new(TelemetryNames.NetworkTransport);
    private readonly RepeatedAttribute _protocolVersion = new(TelemetryNames.ProtocolVersion);
    private readonly RepeatedAttribute _tool = new(TelemetryNames.ToolName);
    private readonly RepeatedAttribute _operation = new(TelemetryNames.OperationName);
    private readonly RepeatedAttribute _agent = new(TelemetryNames.Agent);
    private readonly RepeatedAttribute _decision = new(TelemetryNames.Decision);
    private readonly RepeatedAttribute _rule = new(TelemetryNames.Rule);
    private readonly RepeatedAttribute _risk = new(TelemetryNames.Risk);
    private readonly RepeatedAttribute _channel = new(TelemetryNames.ApprovalChannel);

    /// <summary>The attributes both spans carry: the MCP ones.</summary>
    public void WriteCommon(ProtoWriter writer, RequestTrace request)
    {
        _method.Write(writer, request.Method);
        if (request.Id is { } id)
        {
            OtlpAttributes.Utf8(writer, Tag, s_requestId, id);
        }

        _transport.Write(writer, request.Transport);
        OtlpAttributes.String(writer, Tag, s_sessionId, request.SessionId);
        _protocolVersion.Write(writer, request.ProtocolVersion);
        if (request.Tool is { } tool)
        {
            _tool.Write(writer, tool);
            _operation.Write(writer, "execute_tool");
        }

        OtlpAttributes.String(writer, Tag, s_errorType, request.ErrorType);
    }

    /// <summary>The SERVER span's own: who called, and the guard's decision.</summary>
    public void WriteServer(ProtoWriter writer, RequestTrace request)
    {
        _agent.Write(writer, request.Caller);
        OtlpAttributes.String(writer, Tag, s_arguments, request.Arguments);
        _decision.Write(writer, request.Decision);
        _rule.Write(writer, request.Rule);
        _risk.Write(writer, request.Risk);
        _channel.Write(writer, request.Channel);
        if (request.Redactions is { } redactions)
        {
            OtlpAttributes.Int(writer, Tag, s_redactions, redactions);
        }
    }
}
