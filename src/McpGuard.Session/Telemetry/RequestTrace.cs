using System.Runtime.CompilerServices;

namespace McpGuard.Telemetry;

/// <summary>
/// One client request in flight and then its spans: when it arrived, was forwarded and was answered (stopwatch
/// timestamps), and what its spans say (the MCP attributes read at arrival, the guard's decision as it is audited).
/// The session fills it in; once answered it goes, whole, to the <see cref="ITraceSink"/>, whose thread alone reads it
/// from then on and encodes its SERVER span and, if it was forwarded, its CLIENT span (<see cref="OtlpSpanWriter"/>).
/// The exporter then hands it back for another request (<see cref="Reuse"/>): records that live until their batch is
/// posted were the guard's main survivors of each young collection when one was made per request (bench/HISTORY.md).
/// </summary>
internal sealed class RequestTrace(string method, string? tool, long startedAt)
{
    private string _method = method;
    private string? _tool = tool;

    public string Method => _method;

    public string? Tool => _tool;

    public long StartedAt { get; private set; } = startedAt;

    /// <summary>A <c>prompts/get</c>'s prompt name (<c>gen_ai.prompt.name</c>, its spans' target); else null.</summary>
    public string? Prompt { get; set; }

    /// <summary>Makes this record a new request's, as the constructor would: every other fact is cleared.</summary>
    public RequestTrace Reuse(string method, string? tool, long startedAt)
    {
        // Written one field at a time: tuples copied a default TraceParent through the stack, read back across two
        // overlapping stores, a read that waits for every store before it (bench/HISTORY.md). The references the
        // requests of a session mostly share (method, tool, session, revision, decision, rule, risk) are kept, not
        // cleared, and written only when they change (Keep).
        Keep(ref _method, method);
        Keep(ref _tool, tool);
        Prompt = null;
        StartedAt = startedAt;
        Traced = false;
        ForwardedAt = 0;
        EndedAt = 0;
        IdLength = 0;
        _longId = null;
        ClientId = null;
        _sessionSet = false;
        ServerSessionId = null;
        Sender = null;
        _protocolVersionSet = false;
        Parent = default;
        TraceIdHigh = 0;
        TraceIdLow = 0;
        Arguments = null;
        _decided = false;
        DecisionUncounted = false;
        UnlistedTool = false;
        Channel = null;
        Redactions = null;
        ErrorType = null;
        ServerAnswerReplaced = false;
        ServerErrorType = null;
        return this;
    }

    /// <summary>True when spans are recorded for it (an exporter listened when it arrived, and sampled it).</summary>
    public bool Traced { get; set; }

    /// <summary>When it was forwarded to the server; 0 when it never was (denied, hidden, unknown).</summary>
    public long ForwardedAt { get; set; }

    /// <summary>When the client got its answer, or cancelled it.</summary>
    public long EndedAt { get; set; }

    /// <summary>
    /// The request id's JSON bytes (<c>"c1"</c>, <c>42</c>), written as the id's value on both spans, copied into the
    /// record (<see cref="IdBytes"/>): a record is old and waits for its batch, so a reference to the message's own
    /// bytes made each young id a survivor of every collection until its batch was sent (bench/HISTORY.md).
    /// </summary>
    public int IdLength { get; private set; }

    private InlineId _id;

    /// <summary>An id longer than <see cref="InlineId"/> holds (a long string id): rare, kept by reference.</summary>
    private byte[]? _longId;

    public void SetId(ReadOnlySpan<byte> id)
    {
        IdLength = id.Length;
        if (id.Length <= InlineId.Size)
        {
            id.CopyTo(_id);
        }
        else
        {
            _longId = id.ToArray();
        }
    }

    /// <summary>
    /// The id as the client sent it, where the session knows the request by an id of the guard's own (serve's shared
    /// 2026-07-28 child): the SERVER span's <c>jsonrpc.request.id</c>, the CLIENT span keeping the id the server got.
    /// Null where the two are one.
    /// </summary>
    public byte[]? ClientId { get; set; }

    /// <summary>The id's JSON bytes; empty when it has none.</summary>
    public ReadOnlySpan<byte> IdBytes() =>
        IdLength <= InlineId.Size ? ((ReadOnlySpan<byte>)_id)[..IdLength] : _longId;

    /// <summary>
    /// What every traced request of its session shares (transports, session id, agent): one reference written a
    /// request, where five strings were written apiece, each through the collector's write barrier (bench/HISTORY.md).
    /// </summary>
    public TraceSession Session
    {
        get => _sessionSet ? _session! : TraceSession.None;
        set
        {
            Keep(ref _session, value);
            _sessionSet = true;
        }
    }

    /// <summary>The last session set, kept by <see cref="Reuse"/> (<see cref="Keep"/>); read once set again.</summary>
    private TraceSession? _session;
    private bool _sessionSet;

    public string Transport => Session.Transport;

    /// <summary>The transport to the server, named by the CLIENT span (<c>run --url</c>: pipe in, tcp out).</summary>
    public string ServerTransport => Session.ServerTransport;

    public string? SessionId => Session.SessionId;

    /// <summary>
    /// The remote server's 2025-era <c>Mcp-Session-Id</c> (<c>--url</c>), named by the CLIENT span; null elsewhere.
    /// </summary>
    public string? ServerSessionId { get; set; }

    /// <summary>Who called (<c>mcpguard.agent</c>): the request's own <see cref="Sender"/>, else the session's agent.
    /// </summary>
    public string? Caller => Sender ?? Session.Agent;

    /// <summary>
    /// The agent of a request that is not the session's own (<c>serve</c>'s shared child: each request's sender);
    /// null for the session's agent.
    /// </summary>
    public string? Sender { get; set; }

    public string? ProtocolVersion
    {
        get => _protocolVersionSet ? _protocolVersion : null;
        set
        {
            Keep(ref _protocolVersion, value);
            _protocolVersionSet = true;
        }
    }

    /// <summary>The last revision set, kept by <see cref="Reuse"/> (<see cref="Keep"/>); read once set again.
    /// </summary>
    private string? _protocolVersion;
    private bool _protocolVersionSet;

    /// <summary>The caller's trace (a <c>traceparent</c> in <c>_meta</c>), or none.</summary>
    public TraceParent Parent { get; set; }

    /// <summary>The trace both spans belong to: the caller's, or a new one.</summary>
    public ulong TraceIdHigh { get; set; }

    public ulong TraceIdLow { get; set; }

    /// <summary>The arguments' JSON, only with <c>arguments: full</c>.</summary>
    public string? Arguments { get; set; }

    /// <summary>
    /// The guard's decision (a tools/call's); null until one is set after <see cref="Reuse"/>, which keeps the last
    /// request's decision, rule and risk for <see cref="Keep"/> but hides them until a decision is set again.
    /// </summary>
    public string? Decision
    {
        get => _decided ? _decision : null;
        set
        {
            Keep(ref _decision, value);
            _decided = true;
        }
    }

    private string? _decision;
    private string? _rule;
    private string? _risk;

    /// <summary>True once <see cref="Decision"/> is set for this request: its rule and risk are this request's.
    /// </summary>
    private bool _decided;

    /// <summary>
    /// A tools/call of a tool the server did not list or the policy hides: its name is whatever the agent sent, so
    /// the span's name leaves it out (a made-up name per call would be a new span name each time); it stays the
    /// <c>gen_ai.tool.name</c> attribute. Set with <see cref="Decision"/>, which it follows.
    /// </summary>
    public bool UnlistedTool { get; set; }

    /// <summary>
    /// True when the decision set last is left for the exporter to count (<see cref="DecisionBatch"/>): the relay's
    /// threads then count none of it (bench/HISTORY.md). Whoever counts it clears it.
    /// </summary>
    public bool DecisionUncounted { get; set; }

    /// <summary>
    /// The decision's <c>tool</c> label (docs/telemetry.md): <c>(unknown)</c> for a tool the server did not list or
    /// the policy hides, <c>(invalid)</c> for a call without a name, else the tool's name.
    /// </summary>
    public string DecisionTool =>
        UnlistedTool ? TelemetryNames.UnlistedToolLabel : Tool ?? TelemetryNames.InvalidToolLabel;

    /// <summary>Set with <see cref="Decision"/> (<see cref="RequestSpans"/> sets the three together): read only once
    /// a decision is set.</summary>
    public string? Rule
    {
        get => _decided ? _rule : null;
        set => Keep(ref _rule, value);
    }

    /// <inheritdoc cref="Rule"/>
    public string? Risk
    {
        get => _decided ? _risk : null;
        set => Keep(ref _risk, value);
    }

    public string? Channel { get; set; }

    public int? Redactions { get; set; }

    /// <summary><c>error.type</c>: a JSON-RPC error code, <c>tool_error</c>, <c>cancelled</c>; or null.</summary>
    public string? ErrorType { get; set; }

    /// <summary>
    /// True when the client got the guard's answer in place of the server's (a result the result policy blocked or
    /// found too large): the CLIENT span then says how the server's answer ended (<see cref="ServerErrorType"/>),
    /// since that span is the exchange with the server, and the SERVER span what the client got.
    /// </summary>
    public bool ServerAnswerReplaced { get; set; }

    /// <summary>The server's own answer's <c>error.type</c>, when <see cref="ServerAnswerReplaced"/>.</summary>
    public string? ServerErrorType { get; set; }

    /// <summary>The CLIENT span's <c>error.type</c>: the server's answer's, or the same as the SERVER span's.</summary>
    public string? ClientErrorType => ServerAnswerReplaced ? ServerErrorType : ErrorType;

    /// <summary>Two spans when it was forwarded, else one (what it takes of the exporter's queue).</summary>
    public int SpanCount => ForwardedAt == 0 ? 1 : 2;

    /// <summary>
    /// Writes a reference only when it is another object. The record is old (pooled), and the native build's write
    /// barrier marks the record's card whenever the object written lies in the young generations' address range,
    /// which takes in old regions too: each young collection then scanned every record written since the last one,
    /// ~500 instructions a record (bench/HISTORY.md). A session's requests mostly carry the same tool, session,
    /// revision, decision, rule and risk, so in the steady state the pump writes no reference into a record and marks
    /// no card.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep<T>(ref T field, T value)
        where T : class?
    {
        if (!ReferenceEquals(field, value))
        {
            field = value;
        }
    }

    /// <summary>Room for a number id or a short string id (with its quotes) inside the record.</summary>
    [InlineArray(Size)]
    private struct InlineId
    {
        public const int Size = 40;

        private byte _first;
    }
}
