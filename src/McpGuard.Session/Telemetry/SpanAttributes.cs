using System.Text;
using System.Text.Json;

namespace McpGuard.Telemetry;

/// <summary>
/// A span's name and attributes (docs/telemetry.md): the MCP semantic conventions' on both spans, the guard's own
/// decision on the SERVER span only. Each key's bytes are encoded once, and the two runs that mostly repeat from
/// request to request (the name, tool, method, transport, session and protocol version; the decision, rule, risk,
/// agent and channel) are copied whole when they do (<see cref="RepeatedBlock"/>; the value that varies most
/// first), so one instance belongs to one export thread. The order of a span's attributes means nothing in OTLP,
/// and protobuf takes a message's fields in any order: the name is written with the first run, after the times.
/// </summary>
internal sealed class SpanAttributes
{
    private const byte Tag = 0x4A; // Span.attributes, field 9

    private static readonly byte[] s_method = OtlpAttributes.Key(TelemetryNames.MethodName);
    private static readonly byte[] s_transport = OtlpAttributes.Key(TelemetryNames.NetworkTransport);
    private static readonly byte[] s_sessionId = OtlpAttributes.Key(TelemetryNames.SessionId);
    private static readonly byte[] s_protocolVersion = OtlpAttributes.Key(TelemetryNames.ProtocolVersion);
    private static readonly byte[] s_tool = OtlpAttributes.Key(TelemetryNames.ToolName);
    private static readonly byte[] s_prompt = OtlpAttributes.Key(TelemetryNames.PromptName);
    private static readonly byte[] s_operation = OtlpAttributes.Key(TelemetryNames.OperationName);
    private static readonly byte[] s_requestId = OtlpAttributes.Key(TelemetryNames.RequestId);
    private static readonly ShortUtf8Attribute s_requestIdValue = new(Tag, s_requestId);
    private static readonly byte[] s_errorType = OtlpAttributes.Key(TelemetryNames.ErrorType);
    private static readonly byte[] s_agent = OtlpAttributes.Key(TelemetryNames.Agent);
    private static readonly byte[] s_decision = OtlpAttributes.Key(TelemetryNames.Decision);
    private static readonly byte[] s_rule = OtlpAttributes.Key(TelemetryNames.Rule);
    private static readonly byte[] s_risk = OtlpAttributes.Key(TelemetryNames.Risk);
    private static readonly byte[] s_channel = OtlpAttributes.Key(TelemetryNames.ApprovalChannel);
    private static readonly byte[] s_arguments = OtlpAttributes.Key(TelemetryNames.ToolArguments);
    private static readonly byte[] s_redactions = OtlpAttributes.Key(TelemetryNames.Redactions);

    private readonly RepeatedBlock _common = new();
    private readonly RepeatedBlock _decision = new();
    private readonly RepeatedBlock _serverCommon = new();

    /// <summary>
    /// What both spans carry but the request id: the name and the MCP attributes, with the client's transport.
    /// </summary>
    public void WriteCommon(ProtoWriter writer, RequestTrace request) =>
        WriteCommon(writer, request, request.Transport, request.SessionId, _common);

    /// <summary>
    /// The CLIENT span's, where the server is reached on another transport than the client (<c>run --url</c>,
    /// <c>serve</c> with a child) or in another session (a remote 2025 server's, or none where the client has the
    /// guard's own): a block of its own, so neither span's copy is thrown away by the other's.
    /// </summary>
    public void WriteServerCommon(ProtoWriter writer, RequestTrace request) =>
        WriteCommon(writer, request, request.ServerTransport, request.ServerSessionId, _serverCommon);

    private static void WriteCommon(
        ProtoWriter writer, RequestTrace request, string transport, string? sessionId, RepeatedBlock common)
    {
        // The span's target: a tool's name, or a prompt's (never both: one is a tools/call, the other a prompts/get).
        var target = request.Tool ?? request.Prompt;
        // The span's name: only a target the server knows (a tool it lists, a prompt it answered for), since the agent
        // chose the text and span names must stay few (docs/telemetry.md#spans).
        var unknownPrompt = request.Prompt is not null && request.ErrorType is not null;
        var named = request.UnlistedTool || unknownPrompt ? null : target;
        ReadOnlySpan<string?> shared = [target, request.Method, transport, sessionId, request.ProtocolVersion, named];
        if (common.TryCopy(writer, shared))
        {
            return;
        }

        var start = writer.Length;
        Name(writer, request.Method, named);
        OtlpAttributes.String(writer, Tag, s_method, request.Method);
        OtlpAttributes.String(writer, Tag, s_transport, transport);
        OtlpAttributes.String(writer, Tag, s_sessionId, sessionId);
        OtlpAttributes.String(writer, Tag, s_protocolVersion, request.ProtocolVersion);
        if (request.Tool is { } tool)
        {
            OtlpAttributes.String(writer, Tag, s_tool, tool);
            OtlpAttributes.String(writer, Tag, s_operation, "execute_tool");
        }
        else
        {
            OtlpAttributes.String(writer, Tag, s_prompt, request.Prompt);
        }

        common.Keep(writer, start, shared);
    }

    /// <summary><c>jsonrpc.request.id</c>, if the request has an id (<paramref name="id"/>, its JSON).</summary>
    public static void WriteRequestId(ProtoWriter writer, ReadOnlySpan<byte> id)
    {
        if (id.Length > 0)
        {
            RequestId(writer, id);
        }
    }

    /// <summary>
    /// <c>error.type</c>, apart from the attributes the CLIENT span copies: the two spans may end differently (the
    /// server answered, the guard blocked the result: <see cref="RequestTrace.ClientErrorType"/>).
    /// </summary>
    public static void WriteError(ProtoWriter writer, string? errorType) =>
        OtlpAttributes.String(writer, Tag, s_errorType, errorType);

    /// <summary>The SERVER span's own: who called, and the guard's decision.</summary>
    public void WriteDecision(ProtoWriter writer, RequestTrace request)
    {
        ReadOnlySpan<string?> decided = [request.Decision, request.Rule, request.Risk, request.Caller, request.Channel];
        if (!_decision.TryCopy(writer, decided))
        {
            var start = writer.Length;
            OtlpAttributes.String(writer, Tag, s_agent, request.Caller);
            OtlpAttributes.String(writer, Tag, s_decision, request.Decision);
            OtlpAttributes.String(writer, Tag, s_rule, request.Rule);
            OtlpAttributes.String(writer, Tag, s_risk, request.Risk);
            OtlpAttributes.String(writer, Tag, s_channel, request.Channel);
            _decision.Keep(writer, start, decided);
        }
    }

    /// <summary>The SERVER span's attributes that differ from call to call: the arguments and the redactions.</summary>
    public static void WriteOwn(ProtoWriter writer, RequestTrace request)
    {
        OtlpAttributes.String(writer, Tag, s_arguments, request.Arguments);
        if (request.Redactions is { } redactions)
        {
            OtlpAttributes.Int(writer, Tag, s_redactions, redactions);
        }
    }

    /// <summary>
    /// <c>jsonrpc.request.id</c>: the id's value as a string, as the semantic conventions and the C# SDK write it
    /// (<c>c1</c>, <c>42</c>), so it matches the id a client or server logs; a string id loses its JSON quotes and
    /// escapes. An escape that is no text (a lone surrogate) leaves the id as its JSON.
    /// </summary>
    private static void RequestId(ProtoWriter writer, ReadOnlySpan<byte> json)
    {
        if (json.Length < 2 || json[0] != (byte)'"')
        {
            s_requestIdValue.Write(writer, json);
            return;
        }

        var inner = json[1..^1];
        if (inner.IndexOf((byte)'\\') < 0)
        {
            s_requestIdValue.Write(writer, inner);
            return;
        }

        var reader = new Utf8JsonReader(json);
        reader.Read();
        string? value;
        try
        {
            value = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            value = null;
        }

        if (value is null)
        {
            OtlpAttributes.Utf8(writer, Tag, s_requestId, json);
        }
        else
        {
            OtlpAttributes.String(writer, Tag, s_requestId, value);
        }
    }

    /// <summary>Span.name (field 5): <c>{mcp.method.name} {gen_ai.tool.name}</c>, or the method alone.</summary>
    private static void Name(ProtoWriter writer, string method, string? tool)
    {
        var methodBytes = Encoding.UTF8.GetByteCount(method);
        var toolBytes = tool is null ? 0 : 1 + Encoding.UTF8.GetByteCount(tool);
        var to = writer.GetSpan(6 + methodBytes + toolBytes);
        to[0] = 0x2A;
        var at = 1 + ProtoWriter.Varint(to[1..], (ulong)(methodBytes + toolBytes));
        at += Encoding.UTF8.GetBytes(method, to[at..]);
        if (tool is not null)
        {
            to[at++] = (byte)' ';
            at += Encoding.UTF8.GetBytes(tool, to[at..]);
        }

        writer.Advance(at);
    }
}
