using System.Text;

namespace McpGuard.Telemetry;

/// <summary>
/// Encodes answered requests as one OTLP <c>ExportTraceServiceRequest</c> (protobuf, as posted to
/// <c>/v1/traces</c>): the resource and the scope once, then each request's SERVER span and, if it was forwarded,
/// its CLIENT span, child of the SERVER span, with the attributes docs/telemetry.md lists. The guard's own encoder
/// rather than the OpenTelemetry SDK's (bench/README.md measured why): keys are encoded once, values go straight
/// from the request's fields to the buffer, and no span object is made on the relay's path.
/// </summary>
internal sealed class OtlpSpanWriter
{
    private const int ServerKind = 2;
    private const int ClientKind = 3;

    /// <summary>The span's flags: sampled (bit 0), and that it says whether its parent is remote (bit 8).</summary>
    private const uint SampledFlags = 0x101;
    private const uint RemoteParentFlag = 0x200;


    private readonly ProtoWriter _writer = new();
    private readonly SpanAttributes _attributes = new();
    private readonly byte[] _resource;
    private readonly byte[] _scope;
    private readonly Random _random = new();

    /// <param name="resource">The resource's attributes (<c>service.name</c>...), the same the metrics carry.</param>
    public OtlpSpanWriter(IEnumerable<KeyValuePair<string, object>> resource, string scopeName, string? scopeVersion)
    {
        _resource = OtlpHeaders.Resource(resource);
        _scope = OtlpHeaders.Scope(scopeName, scopeVersion);
    }

    /// <summary>
    /// The requests' spans; the bytes are valid until the next call. <paramref name="clock"/> places the requests'
    /// stopwatch times on the wall clock.
    /// </summary>
    public ArraySegment<byte> Write(IReadOnlyList<RequestTrace> requests, SpanClock clock)
    {
        _writer.Reset();
        var resourceSpans = _writer.Begin(0x0A); // ExportTraceServiceRequest.resource_spans
        _writer.Raw(_resource);
        var scopeSpans = _writer.Begin(0x12); // ResourceSpans.scope_spans
        _writer.Raw(_scope);
        foreach (var request in requests)
        {
            Spans(request, clock);
        }

        _writer.End(scopeSpans);
        _writer.End(resourceSpans);
        return _writer.Written;
    }

    /// <summary>
    /// The SERVER span, then the CLIENT span if the request was forwarded: its name and the MCP attributes are the
    /// SERVER span's bytes, copied.
    /// </summary>
    private void Spans(RequestTrace request, SpanClock clock)
    {
        var w = _writer;
        var server = NewSpanId();
        var end = clock.UnixNanos(request.EndedAt);
        var body = Head(request, server, request.Parent.SpanId);
        var name = w.Length;
        Name(request);
        var nameLength = w.Length - name;
        Times(ServerKind, clock.UnixNanos(request.StartedAt), end);
        var common = w.Length;
        _attributes.WriteCommon(w, request);
        var commonLength = w.Length - common;
        _attributes.WriteServer(w, request);
        Tail(request, request.Parent.Exists ? SampledFlags | RemoteParentFlag : SampledFlags);
        var moved = body - w.End(body);
        if (request.ForwardedAt == 0)
        {
            return;
        }

        body = Head(request, NewSpanId(), server);
        w.Copy(name - moved, nameLength);
        Times(ClientKind, clock.UnixNanos(request.ForwardedAt), end);
        w.Copy(common - moved, commonLength);
        Tail(request, SampledFlags);
        w.End(body);
    }

    /// <summary>Starts a span with its ids and trace state; returns where its body starts.</summary>
    private int Head(RequestTrace request, ulong id, ulong parent)
    {
        var w = _writer;
        var body = w.Begin(0x12); // ScopeSpans.spans
        w.Id(0x0A, request.TraceIdHigh, request.TraceIdLow);
        w.Id(0x12, id);
        if (request.Parent.State is { } state)
        {
            w.String(0x1A, state);
        }

        if (parent != 0)
        {
            w.Id(0x22, parent);
        }

        return body;
    }

    /// <summary><c>{mcp.method.name} {gen_ai.tool.name}</c>, or the method alone.</summary>
    private void Name(RequestTrace request)
    {
        var method = Encoding.UTF8.GetByteCount(request.Method);
        var tool = request.Tool is { } t ? 1 + Encoding.UTF8.GetByteCount(t) : 0;
        var to = _writer.GetSpan(6 + method + tool);
        to[0] = 0x2A;
        var at = 1 + ProtoWriter.Varint(to[1..], (ulong)(method + tool));
        at += Encoding.UTF8.GetBytes(request.Method, to[at..]);
        if (request.Tool is not null)
        {
            to[at++] = (byte)' ';
            at += Encoding.UTF8.GetBytes(request.Tool, to[at..]);
        }

        _writer.Advance(at);
    }

    private void Times(int kind, long start, long end)
    {
        var w = _writer;
        w.Byte(0x30);
        w.Varint((ulong)kind);
        w.Byte(0x39); // start_time_unix_nano, fixed64
        w.Fixed64((ulong)start);
        w.Byte(0x41); // end_time_unix_nano
        w.Fixed64((ulong)end);
    }

    private void Tail(RequestTrace request, uint flags)
    {
        if (request.ErrorType is not null)
        {
            _writer.Raw([0x7A, 0x02, 0x18, 0x02]); // status { code: STATUS_CODE_ERROR }
        }

        _writer.Raw([0x85, 0x01]); // flags, field 16, fixed32
        _writer.Fixed32(flags);
    }

    private ulong NewSpanId()
    {
        ulong id;
        do
        {
            id = (ulong)_random.NextInt64(long.MinValue, long.MaxValue);
        }
        while (id == 0);
        return id;
    }
}
