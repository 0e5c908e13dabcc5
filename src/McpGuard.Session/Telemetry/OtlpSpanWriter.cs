using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace McpGuard.Telemetry;

/// <summary>
/// Encodes answered requests as one OTLP <c>ExportTraceServiceRequest</c> (protobuf, as posted to
/// <c>/v1/traces</c>): the resource and the scope once, then each request's SERVER span and, if it was forwarded,
/// its CLIENT span, child of the SERVER span, with the attributes docs/telemetry.md lists. The guard's own encoder
/// rather than the OpenTelemetry SDK's (bench/HISTORY.md measured why): keys are encoded once, values go straight
/// from the request's fields to the buffer, and no span object is made on the relay's path.
/// </summary>
internal sealed class OtlpSpanWriter
{
    private const int ServerKind = 2;
    private const int ClientKind = 3;

    /// <summary>The span's flags: sampled (bit 0), and that it says whether its parent is remote (bit 8).</summary>
    private const uint SampledFlags = 0x101;
    private const uint RemoteParentFlag = 0x200;

    /// <summary>
    /// Bytes kept for a span's length: two hold up to 16 KiB, so a span's body never moves unless it is longer
    /// (<see cref="ProtoWriter.End"/>).
    /// </summary>
    private const int SpanLengthRoom = 2;

    private readonly ProtoWriter _writer = new();
    private readonly SpanAttributes _attributes = new();
    private readonly SpanShapes _shapes = new();
    private readonly byte[] _resource;
    private readonly byte[] _scope;
    private readonly int _headroom;
    private readonly TraceIdSource _traceIds = new();
    private ulong _spanIds = (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    /// <param name="resource">The resource's attributes (<c>service.name</c>...), the same the metrics carry.</param>
    public OtlpSpanWriter(IEnumerable<KeyValuePair<string, object>> resource, string scopeName, string? scopeVersion)
    {
        _resource = OtlpHeaders.Resource(resource);
        _scope = OtlpHeaders.Scope(scopeName, scopeVersion);
        _headroom = 2 * (1 + 5) + _resource.Length + _scope.Length;
    }

    /// <summary>
    /// The requests' spans; the bytes are valid until the next call. <paramref name="clock"/> places the requests'
    /// stopwatch times on the wall clock. The spans are written first, after room for the two messages around them
    /// (<c>resource_spans</c> with the resource, <c>scope_spans</c> with the scope), which are written last in front
    /// of them once their lengths are known: the batch is never moved.
    /// </summary>
    public ArraySegment<byte> Write(IReadOnlyList<RequestTrace> requests, SpanClock clock)
    {
        _writer.Reset(_headroom);
        // The exporter's list as a span: no enumerator called through the interface for each request.
        foreach (var request in requests is List<RequestTrace> list ? CollectionsMarshal.AsSpan(list) : [.. requests])
        {
            Spans(request, clock);
        }

        var scopeSpans = (ulong)(_scope.Length + _writer.Length - _headroom);
        var resourceSpans = (ulong)_resource.Length + 1 + (ulong)ProtoWriter.VarintSize(scopeSpans) + scopeSpans;
        var header = _writer.Header(_headroom, 2 + ProtoWriter.VarintSize(resourceSpans) + _resource.Length
            + ProtoWriter.VarintSize(scopeSpans) + _scope.Length);
        header[0] = 0x0A; // ExportTraceServiceRequest.resource_spans
        var at = 1 + ProtoWriter.Varint(header[1..], resourceSpans);
        _resource.CopyTo(header[at..]);
        at += _resource.Length;
        header[at++] = 0x12; // ResourceSpans.scope_spans
        at += ProtoWriter.Varint(header[at..], scopeSpans);
        _scope.CopyTo(header[at..]);
        return _writer.From(_headroom - header.Length);
    }

    /// <summary>
    /// The SERVER span, then the CLIENT span if the request was forwarded. Each is its head (ids, kind, times), the
    /// fields that follow from the values requests mostly share (the name, the MCP attributes, the SERVER span's
    /// decision, the error, the status and flags: a kept shape's bytes when the request has its values, <see
    /// cref="SpanShapes"/>), then its own request id and the SERVER span's arguments and redactions. The CLIENT span's
    /// request id is the SERVER span's bytes, copied, unless the client knows the request by another id.
    /// </summary>
    private void Spans(RequestTrace request, SpanClock clock)
    {
        var w = _writer;
        if ((request.TraceIdHigh | request.TraceIdLow) == 0)
        {
            // A new trace the relay left to this thread to name (RequestSpans): both spans carry the id drawn here.
            (request.TraceIdHigh, request.TraceIdLow) = _traceIds.Next();
        }

        var server = NewSpanId();
        var end = clock.UnixNanos(request.EndedAt);
        var body = Head(request, server, request.Parent.SpanId, ServerKind, clock.UnixNanos(request.StartedAt), end);
        var shape = _shapes.Find(request);
        if (shape is not null)
        {
            w.Raw(shape.Server);
        }
        else
        {
            var shared = w.Length;
            _attributes.WriteCommon(w, request);
            SpanAttributes.WriteError(w, request.ErrorType);
            _attributes.WriteDecision(w, request);
            Tail(request.ErrorType, request.Parent.Exists ? SampledFlags | RemoteParentFlag : SampledFlags);
            shape = _shapes.Keep(request, w.From(shared));
        }

        var id = w.Length;
        SpanAttributes.WriteRequestId(w, request.ClientId ?? request.IdBytes());
        var idLength = w.Length - id;
        SpanAttributes.WriteOwn(w, request);
        var moved = body - w.End(body, SpanLengthRoom);
        if (request.ForwardedAt == 0)
        {
            return;
        }

        body = Head(request, NewSpanId(), server, ClientKind, clock.UnixNanos(request.ForwardedAt), end);
        if (shape is { HasClient: true })
        {
            w.Raw(shape.Client);
        }
        else
        {
            var shared = w.Length;
            Client(request);
            shape?.KeepClient(w.From(shared));
        }

        if (request.ClientId is null)
        {
            w.Copy(id - moved, idLength);
        }
        else
        {
            SpanAttributes.WriteRequestId(w, request.IdBytes());
        }

        w.End(body, SpanLengthRoom);
    }

    /// <summary>
    /// The CLIENT span's fields that follow from shared values: the SERVER span's name and MCP attributes unless the
    /// server is reached on another transport or in another session (then written with those), its error, its
    /// status and flags.
    /// </summary>
    private void Client(RequestTrace request)
    {
        // The CLIENT span shares the SERVER span's attributes only where both sides are one transport and one session
        // (stdio); the guard's own 2025 session is never the server's (docs/telemetry.md: mcp.session.id).
        if ((request.ServerTransport.Length == 0 || request.ServerTransport == request.Transport)
            && request.ServerSessionId == request.SessionId && request.ClientId is null)
        {
            _attributes.WriteCommon(_writer, request);
        }
        else
        {
            _attributes.WriteServerCommon(_writer, request);
        }

        var clientError = request.ClientErrorType;
        SpanAttributes.WriteError(_writer, clientError);
        Tail(clientError, SampledFlags);
    }

    /// <summary>
    /// Starts a span: the field that holds it with room for its length, then its ids, parent, kind and times in one
    /// write (protobuf takes a message's fields in any order), then the caller's trace state; returns where its body
    /// starts.
    /// </summary>
    private int Head(RequestTrace request, ulong id, ulong parent, int kind, long start, long end)
    {
        var w = _writer;
        // One bounds check for the whole head (GetSpan's room), then unchecked stores: the span-by-span slices and
        // BinaryPrimitives' checks were most of its instructions (bench/HISTORY.md).
        ref var to = ref MemoryMarshal.GetReference(w.GetSpan(1 + SpanLengthRoom + 28 + 10 + 20));
        to = 0x12; // ScopeSpans.spans; its length goes in the next two bytes (ProtoWriter.End)
        var body = w.Length + 1 + SpanLengthRoom;
        Unsafe.Add(ref to, 3) = 0x0A; // trace_id
        Unsafe.Add(ref to, 4) = 16;
        BigEndian(ref Unsafe.Add(ref to, 5), request.TraceIdHigh);
        BigEndian(ref Unsafe.Add(ref to, 13), request.TraceIdLow);
        Unsafe.Add(ref to, 21) = 0x12; // span_id
        Unsafe.Add(ref to, 22) = 8;
        BigEndian(ref Unsafe.Add(ref to, 23), id);
        var at = 31;
        if (parent != 0)
        {
            Unsafe.Add(ref to, at) = 0x22; // parent_span_id
            Unsafe.Add(ref to, at + 1) = 8;
            BigEndian(ref Unsafe.Add(ref to, at + 2), parent);
            at += 10;
        }

        Unsafe.Add(ref to, at) = 0x30; // kind, a one-byte varint
        Unsafe.Add(ref to, at + 1) = (byte)kind;
        Unsafe.Add(ref to, at + 2) = 0x39; // start_time_unix_nano, fixed64
        LittleEndian(ref Unsafe.Add(ref to, at + 3), (ulong)start);
        Unsafe.Add(ref to, at + 11) = 0x41; // end_time_unix_nano, fixed64
        LittleEndian(ref Unsafe.Add(ref to, at + 12), (ulong)end);
        w.Advance(at + 20);
        if (request.Parent.State is { } state)
        {
            w.String(0x1A, state);
        }

        return body;
    }

    private void Tail(string? errorType, uint flags)
    {
        ref var to = ref MemoryMarshal.GetReference(_writer.GetSpan(10));
        var at = 0;
        if (errorType is not null)
        {
            LittleEndian(ref to, 0x0218027Au); // status { code: STATUS_CODE_ERROR }: 7A 02 18 02
            at = 4;
        }

        Unsafe.Add(ref to, at) = 0x85; // flags, field 16, fixed32
        Unsafe.Add(ref to, at + 1) = 0x01;
        LittleEndian(ref Unsafe.Add(ref to, at + 2), flags);
        _writer.Advance(at + 6);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BigEndian(ref byte to, ulong value) =>
        Unsafe.WriteUnaligned(ref to, BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LittleEndian(ref byte to, ulong value) =>
        Unsafe.WriteUnaligned(ref to, BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LittleEndian(ref byte to, uint value) =>
        Unsafe.WriteUnaligned(ref to, BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    /// <summary>
    /// A span id from xorshift64* (a few instructions): the state is never 0 and the output is the state times an
    /// odd number, so no id is 0. Span ids need to be unique in a trace, not secret (the SDKs draw them from a plain
    /// random generator too).
    /// </summary>
    private ulong NewSpanId()
    {
        var x = _spanIds;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _spanIds = x;
        return x * 0x2545F4914F6CDD1DUL;
    }
}
