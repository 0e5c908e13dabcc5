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
    private readonly byte[] _resource;
    private readonly byte[] _scope;
    private readonly Random _random = new();

    /// <param name="resource">The resource's attributes (<c>service.name</c>...), the same the metrics carry.</param>
    public OtlpSpanWriter(IEnumerable<KeyValuePair<string, object>> resource, string scopeName, string? scopeVersion)
    {
        var writer = new ProtoWriter();
        var body = writer.Begin(0x0A); // ResourceSpans.resource
        foreach (var (name, value) in resource)
        {
            var key = OtlpAttributes.Key(name);
            switch (value)
            {
                case bool b:
                    OtlpAttributes.Bool(writer, 0x0A, key, b);
                    break;
                case long or int:
                    OtlpAttributes.Int(writer, 0x0A, key, Convert.ToInt64(value, null));
                    break;
                case double d:
                    OtlpAttributes.Double(writer, 0x0A, key, d);
                    break;
                default:
                    OtlpAttributes.String(writer, 0x0A, key, Convert.ToString(value, null));
                    break;
            }
        }

        writer.End(body);
        _resource = writer.Written.ToArray();
        writer.Reset();
        body = writer.Begin(0x0A); // ScopeSpans.scope
        writer.String(0x0A, scopeName);
        if (scopeVersion is not null)
        {
            writer.String(0x12, scopeVersion);
        }

        writer.End(body);
        _scope = writer.Written.ToArray();
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
            var server = NewSpanId();
            var parentFlags = request.Parent.Exists ? SampledFlags | RemoteParentFlag : SampledFlags;
            Span(request, server, request.Parent.SpanId, ServerKind, clock.UnixNanos(request.StartedAt), clock,
                parentFlags);
            if (request.ForwardedAt != 0)
            {
                Span(request, NewSpanId(), server, ClientKind, clock.UnixNanos(request.ForwardedAt), clock,
                    SampledFlags);
            }
        }

        _writer.End(scopeSpans);
        _writer.End(resourceSpans);
        return _writer.Written;
    }

    private void Span(RequestTrace request, ulong id, ulong parent, int kind, long start, SpanClock clock, uint flags)
    {
        var w = _writer;
        var span = w.Begin(0x12); // ScopeSpans.spans
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

        w.String(0x2A, SpanNames.Of(request.Method, request.Tool));
        w.Byte(0x30);
        w.Varint((ulong)kind);
        w.Byte(0x39); // start_time_unix_nano, fixed64
        w.Fixed64((ulong)start);
        w.Byte(0x41); // end_time_unix_nano
        w.Fixed64((ulong)clock.UnixNanos(request.EndedAt));
        SpanAttributes.Write(w, request, server: kind == ServerKind);
        if (request.ErrorType is not null)
        {
            w.Raw([0x7A, 0x02, 0x18, 0x02]); // status { code: STATUS_CODE_ERROR }
        }

        w.Raw([0x85, 0x01]); // flags, field 16, fixed32
        w.Fixed32(flags);
        w.End(span);
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
