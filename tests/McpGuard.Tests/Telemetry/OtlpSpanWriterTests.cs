using System.Diagnostics;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The guard's OTLP span encoding, read back with the end-to-end tests' protobuf reader (never with the encoder):
/// an <c>ExportTraceServiceRequest</c> whose resource, scope, spans, ids, times, status, flags and attributes are
/// where the OTLP protos put them.
/// </summary>
public sealed class OtlpSpanWriterTests
{
    private static readonly KeyValuePair<string, object>[] s_resource =
    [
        new("service.name", "mcpguard"), new("service.version", "1.2.3"), new("telemetry.sdk.language", "dotnet"),
        new("host.cores", 2L), new("debug", true),
    ];

    [Fact]
    public void ForwardedRequest_ServerAndClientSpans_InOneScope()
    {
        var clock = new SpanClock(nowTimestamp: 10 * Stopwatch.Frequency, nowUnixNanos: 1_800_000_000_000_000_000);
        var request = Forwarded();

        var body = Decode(new OtlpSpanWriter(s_resource, "McpGuard", "1.2.3").Write([request], clock));

        var resourceSpans = Assert.Single(body.Messages(1));
        var resource = Attributes(resourceSpans.Message(1)!.Messages(1));
        Assert.Equal("mcpguard", resource["service.name"]);
        Assert.Equal("2", resource["host.cores"]);
        Assert.Equal("true", resource["debug"]);
        var scopeSpans = Assert.Single(resourceSpans.Messages(2));
        Assert.Equal("McpGuard", scopeSpans.Message(1)!.String(1));
        Assert.Equal("1.2.3", scopeSpans.Message(1)!.String(2));
        var spans = scopeSpans.Messages(2).ToList();
        Assert.Equal(2, spans.Count);
        var (server, client) = (spans[0], spans[1]);

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", Convert.ToHexStringLower(server.Bytes(1)!));
        Assert.Equal(server.Bytes(1), client.Bytes(1));
        Assert.Equal(8, server.Bytes(2)!.Length);
        Assert.Equal("00f067aa0ba902b7", Convert.ToHexStringLower(server.Bytes(4)!));
        Assert.Equal(server.Bytes(2), client.Bytes(4));
        Assert.NotEqual(server.Bytes(2), client.Bytes(2));
        Assert.Equal("congo=t61rcWkgMzE", server.String(3));
        Assert.Equal("tools/call place_order", server.String(5));
        Assert.Equal((2UL, 3UL), (server.Scalar(6), client.Scalar(6)));
        Assert.Equal(1_800_000_000_000_000_000UL - 9_000_000_000UL, server.Scalar(7)); // arrived 9 s before now
        Assert.Equal(1_800_000_000_000_000_000UL - 8_500_000_000UL, client.Scalar(7));
        Assert.Equal(1_800_000_000_000_000_000UL - 1_000_000_000UL, server.Scalar(8));
        Assert.Equal(server.Scalar(8), client.Scalar(8));
        Assert.Equal(0x301UL, server.Scalar(16)); // sampled, remote parent
        Assert.Equal(0x101UL, client.Scalar(16));
        Assert.Null(server.Message(15));

        var serverAttributes = Attributes(server.Messages(9));
        Assert.Equal("tools/call", serverAttributes["mcp.method.name"]);
        Assert.Equal("c1", serverAttributes["jsonrpc.request.id"]);
        Assert.Equal("pipe", serverAttributes["network.transport"]);
        Assert.Equal("place_order", serverAttributes["gen_ai.tool.name"]);
        Assert.Equal("execute_tool", serverAttributes["gen_ai.operation.name"]);
        Assert.Equal("2026-07-28", serverAttributes["mcp.protocol.version"]);
        Assert.Equal("alice", serverAttributes["mcpguard.agent"]);
        Assert.Equal("approved", serverAttributes["mcpguard.decision"]);
        Assert.Equal("tools.place_order.rules[0]", serverAttributes["mcpguard.rule"]);
        Assert.Equal("write", serverAttributes["mcpguard.risk"]);
        Assert.Equal("desk", serverAttributes["mcpguard.approval.channel"]);
        Assert.Equal("3", serverAttributes["mcpguard.redactions"]);
        Assert.False(serverAttributes.ContainsKey("gen_ai.tool.call.arguments"));
        Assert.False(serverAttributes.ContainsKey("error.type"));
        Assert.False(serverAttributes.ContainsKey("mcp.session.id"));
        var clientAttributes = Attributes(client.Messages(9));
        Assert.Equal(
            ["gen_ai.operation.name", "gen_ai.tool.name", "jsonrpc.request.id", "mcp.method.name",
                "mcp.protocol.version", "network.transport"],
            clientAttributes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DeniedRootRequest_OneSpan_ErrorStatus_NoParent()
    {
        var request = new RequestTrace("tools/call", "get-sum", startedAt: 100)
        {
            Traced = true, TraceIdHigh = 7, TraceIdLow = 9, Session = new("tcp", "tcp", "s-1", null),
            Decision = "deny", ErrorType = "-32602", EndedAt = 200,
        };
        request.SetId("42"u8);

        var span = Assert.Single(Spans(Write(request)));

        Assert.Null(span.Bytes(4));
        Assert.Null(span.String(3));
        Assert.Equal("00000000000000070000000000000009", Convert.ToHexStringLower(span.Bytes(1)!));
        Assert.Equal(2UL, span.Message(15)!.Scalar(3)); // STATUS_CODE_ERROR
        Assert.Equal(0x101UL, span.Scalar(16));
        var attributes = Attributes(span.Messages(9));
        Assert.Equal("42", attributes["jsonrpc.request.id"]);
        Assert.Equal("-32602", attributes["error.type"]);
        Assert.Equal("s-1", attributes["mcp.session.id"]);
        Assert.Equal("deny", attributes["mcpguard.decision"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("tool_error")]
    public void ServersAnswerReplaced_ClientSpanSaysHowTheServersEnded(string? serverError)
    {
        // A result the result policy blocked: the client got an isError denial; the server answered as it did.
        var request = Forwarded();
        request.ErrorType = "tool_error";
        request.ServerAnswerReplaced = true;
        request.ServerErrorType = serverError;

        var spans = Spans(Write(request));

        var server = spans.Single(s => s.Scalar(6) == 2);
        var client = spans.Single(s => s.Scalar(6) == 3);
        Assert.Equal("tool_error", Attributes(server.Messages(9))["error.type"]);
        Assert.Equal(2UL, server.Message(15)!.Scalar(3)); // STATUS_CODE_ERROR
        Assert.Equal(serverError, Attributes(client.Messages(9)).GetValueOrDefault("error.type"));
        Assert.Equal(serverError is null, client.Message(15) is null);
        Assert.Equal("c1", Attributes(client.Messages(9))["jsonrpc.request.id"]);
    }

    [Fact]
    public void ForwardedAndFailed_BothSpansCarryTheError()
    {
        var request = Forwarded();
        request.ErrorType = "-32603";

        var spans = Spans(Write(request));

        Assert.All(spans, s =>
        {
            Assert.Equal("-32603", Attributes(s.Messages(9))["error.type"]);
            Assert.Equal(2UL, s.Message(15)!.Scalar(3));
        });
    }

    [Fact]
    public void PromptsGet_NamedByThePrompt_GenAiPromptName_NoToolAttributes()
    {
        // The MCP conventions' target of a prompts/get span is its prompt (gen_ai.prompt.name, conditionally
        // required), as a tools/call's is its tool.
        var request = new RequestTrace("prompts/get", tool: null, startedAt: 100)
        {
            Traced = true, TraceIdHigh = 7, TraceIdLow = 9, Session = Pipe(null), Prompt = "simple-prompt",
            ForwardedAt = 150, EndedAt = 200,
        };
        request.SetId("3"u8);

        var spans = Spans(Write(request));

        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal("prompts/get simple-prompt", span.String(5));
            var attributes = Attributes(span.Messages(9));
            Assert.Equal("simple-prompt", attributes["gen_ai.prompt.name"]);
            Assert.False(attributes.ContainsKey("gen_ai.tool.name"));
            Assert.False(attributes.ContainsKey("gen_ai.operation.name"));
        });
    }

    [Fact]
    public void LongAndNonAsciiValues_LengthsSpanManyBytes()
    {
        var arguments = "{\"text\":\"" + new string('é', 40_000) + "\"}";
        var request = Forwarded();
        request.Arguments = arguments;
        var other = new RequestTrace("ping", tool: null, startedAt: 1) { Traced = true, TraceIdHigh = 1, EndedAt = 2 };

        var spans = Spans(Write(request, other));

        Assert.Equal(3, spans.Count);
        Assert.Equal(arguments, Attributes(spans[0].Messages(9))["gen_ai.tool.call.arguments"]);
        Assert.Equal("ping", spans[2].String(5));
        Assert.False(Attributes(spans[2].Messages(9)).ContainsKey("gen_ai.tool.name"));
    }

    [Fact]
    public void RequestIds_ShortKeptInTheRecord_LongApart_BothWrittenAsTheirValue()
    {
        var longId = new string('x', 60);
        var request = ForwardedWithoutId();
        request.SetId(Encoding.UTF8.GetBytes("\"" + longId + "\""));
        var reused = ForwardedWithoutId().Reuse("ping", null, startedAt: 1);
        reused.SetId(Encoding.UTF8.GetBytes("\"" + longId + "\""));
        reused.Reuse("ping", null, startedAt: 1).SetId("7"u8);
        (reused.Traced, reused.TraceIdHigh, reused.EndedAt) = (true, 1, 2);

        var spans = Spans(Write(request, reused));

        Assert.Equal(longId, Attributes(spans[0].Messages(9))["jsonrpc.request.id"]);
        Assert.Equal(longId, Attributes(spans[1].Messages(9))["jsonrpc.request.id"]);
        Assert.Equal("7", Attributes(spans[2].Messages(9))["jsonrpc.request.id"]);
    }

    /// <summary>
    /// <c>jsonrpc.request.id</c> is the id's value as a string, as the semantic conventions and the C# SDK write it
    /// (<c>c1</c>, <c>42</c>): a string id without its JSON quotes and escapes, so a search for the id a client logged
    /// finds the guard's spans too.
    /// </summary>
    [Theory]
    [InlineData("\"req-7\"", "req-7")]
    [InlineData("\"a\\u00e9\\\"b\"", "a\u00e9\"b")]
    [InlineData("-3", "-3")]
    [InlineData("\"\"", "")]
    public void RequestId_TheIdsValue_NotItsJson(string json, string expected)
    {
        var request = ForwardedWithoutId();
        request.SetId(Encoding.UTF8.GetBytes(json));

        var spans = Spans(Write(request));

        Assert.All(spans, s => Assert.Equal(expected, Attributes(s.Messages(9))["jsonrpc.request.id"]));
    }

    /// <summary>
    /// Around the edges of the request id's written-in-one-go path: copied byte by byte up to 16 bytes, whole
    /// beyond; one-byte lengths while key, value and four bytes stay below 128 (the key is 20 bytes), else varints.
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(103)]
    [InlineData(104)]
    [InlineData(300)]
    public void RequestId_ShortAndLongValues_WrittenWhole(int length)
    {
        var id = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + (i % 26))));
        var number = ForwardedWithoutId();
        number.SetId(Encoding.UTF8.GetBytes(new string('9', length)));
        var text = ForwardedWithoutId();
        text.SetId(Encoding.UTF8.GetBytes("\"" + id + "\""));

        var spans = Spans(Write(number, text));

        var ids = spans.Select(s => Attributes(s.Messages(9))["jsonrpc.request.id"]).ToList();
        Assert.Equal([new string('9', length), new string('9', length), id, id], ids);
    }

    [Fact]
    public void NewTrace_IdDrawnHere_BothSpansCarryIt_EachRequestItsOwn()
    {
        var first = ForwardedWithoutParent();
        var second = ForwardedWithoutParent();

        var spans = Spans(Write(first, second));

        var ids = spans.Select(s => Convert.ToHexStringLower(s.Bytes(1)!)).ToList();
        Assert.Equal(4, ids.Count);
        Assert.All(ids, id => Assert.Equal(32, id.Length));
        Assert.DoesNotContain(new string('0', 32), ids);
        Assert.Equal(ids[0], ids[1]);
        Assert.Equal(ids[2], ids[3]);
        Assert.NotEqual(ids[0], ids[2]);
    }

    [Fact]
    public void WriterReused_EachBatchStandsAlone()
    {
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        var clock = SpanClock.Now();
        var big = Forwarded();
        big.Arguments = new string('x', 100_000);
        _ = writer.Write([big], clock);

        var spans = Decode(writer.Write([Forwarded()], clock)).Messages(1).Single().Messages(2).Single().Messages(2);

        Assert.Equal(2, spans.Count());
    }

    [Fact]
    public void RepeatedAndChangingValues_EachSpanSaysItsOwn()
    {
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        string[] tools = ["place_order", "place_order", "get_balance", "place_order"];
        string[] decisions = ["allow", "deny", "deny", "allow"];
        var requests = tools.Select((tool, i) => new RequestTrace("tools/call", tool, startedAt: 1)
        {
            Traced = true, TraceIdHigh = 1, EndedAt = 2, Session = Pipe(i == 2 ? null : "alice"),
            Decision = decisions[i],
        }).ToArray();

        _ = writer.Write(requests, SpanClock.Now());
        var spans = Decode(writer.Write(requests, SpanClock.Now())).Messages(1).Single().Messages(2).Single()
            .Messages(2).Select(s => Attributes(s.Messages(9))).ToList();

        Assert.Equal(tools, spans.Select(a => a["gen_ai.tool.name"]));
        Assert.Equal(decisions, spans.Select(a => a["mcpguard.decision"]));
        Assert.Equal([true, true, false, true], spans.Select(a => a.ContainsKey("mcpguard.agent")));
        Assert.All(spans, a => Assert.Equal("pipe", a["network.transport"]));
    }

    /// <summary>
    /// A request whose shared values are a kept shape's (<see cref="SpanShapes"/>) gets that shape's bytes, and its
    /// own ids, arguments and redactions: five shapes in turn (one more than are kept), a denied call between
    /// forwarded calls of its shape, a request known to the client by another id, two batches from one writer.
    /// </summary>
    [Fact]
    public void KeptShapes_EachRequestKeepsItsOwnValues()
    {
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        string[] tools = ["t0", "t1", "t2", "t3", "t4"];
        var requests = Enumerable.Range(0, 12).Select(i =>
        {
            var request = Forwarded();
            request.Reuse("tools/call", tools[i % tools.Length], startedAt: Seconds(1));
            (request.Traced, request.ForwardedAt, request.EndedAt) = (true, i == 6 ? 0 : Seconds(2), Seconds(3));
            (request.Session, request.TraceIdHigh) = (Pipe("alice"), 1); // a session of its own, equal values
            request.Decision = i == 6 ? "deny" : "allow";
            request.ErrorType = i == 6 ? "-32602" : null;
            request.Redactions = i % 3 == 0 ? i : null;
            request.Arguments = i % 4 == 0 ? $"{{\"n\":{i}}}" : null;
            request.SetId(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            request.ClientId = i == 8 ? "\"client-8\""u8.ToArray() : null;
            return request;
        }).ToArray();

        foreach (var batch in new[] { requests, requests })
        {
            var spans = Decode(writer.Write(batch, SpanClock.Now())).Messages(1).Single().Messages(2).Single()
                .Messages(2).ToList();

            Assert.Equal(23, spans.Count);
            var at = 0;
            for (var i = 0; i < requests.Length; i++)
            {
                var server = Attributes(spans[at].Messages(9));
                Assert.Equal(2UL, spans[at++].Scalar(6));
                Assert.Equal(tools[i % tools.Length], server["gen_ai.tool.name"]);
                Assert.Equal(i == 8 ? "client-8" : $"{i}", server["jsonrpc.request.id"]);
                Assert.Equal(i == 6 ? "deny" : "allow", server["mcpguard.decision"]);
                Assert.Equal(i == 6 ? "-32602" : null, server.GetValueOrDefault("error.type"));
                Assert.Equal(i % 3 == 0 ? $"{i}" : null, server.GetValueOrDefault("mcpguard.redactions"));
                Assert.Equal(
                    i % 4 == 0 ? $"{{\"n\":{i}}}" : null, server.GetValueOrDefault("gen_ai.tool.call.arguments"));
                if (i == 6)
                {
                    continue;
                }

                var client = Attributes(spans[at].Messages(9));
                Assert.Equal(3UL, spans[at++].Scalar(6));
                Assert.Equal(tools[i % tools.Length], client["gen_ai.tool.name"]);
                Assert.Equal($"{i}", client["jsonrpc.request.id"]);
                Assert.False(client.ContainsKey("mcpguard.decision"));
                Assert.False(client.ContainsKey("mcpguard.redactions"));
                Assert.False(client.ContainsKey("error.type"));
            }
        }
    }

    /// <summary>
    /// A tools/call of a tool the server did not list (or the policy hides) names its span by the method alone: the
    /// tool's name is the agent's own text, and a made-up name per call would make a new span name each time
    /// (docs/telemetry.md#spans). The name is still the gen_ai.tool.name attribute. A listed tool of the same name,
    /// between two such calls from one writer, keeps its name in the span's (no copy of the other's bytes).
    /// </summary>
    [Fact]
    public void UnlistedTool_SpanNamedByTheMethodAlone_TheToolNameAnAttribute()
    {
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        bool[] unlisted = [true, false, true];
        var requests = unlisted.Select(u => new RequestTrace("tools/call", "made_up_7", startedAt: 1)
        {
            Traced = true, TraceIdHigh = 1, EndedAt = 2, Session = Pipe(null),
            Decision = u ? "unknown_tool" : "deny", UnlistedTool = u,
        }).ToArray();

        var spans = Decode(writer.Write(requests, SpanClock.Now())).Messages(1).Single().Messages(2).Single()
            .Messages(2).ToList();

        Assert.Equal(["tools/call", "tools/call made_up_7", "tools/call"], spans.Select(s => s.String(5)));
        Assert.All(spans, s => Assert.Equal("made_up_7", Attributes(s.Messages(9))["gen_ai.tool.name"]));
    }

    /// <summary>
    /// A prompts/get the server answered with an error (a prompt it does not have, named by the agent) is named by the
    /// method alone, as an unlisted tool's call is; the name stays its gen_ai.prompt.name attribute.
    /// </summary>
    [Fact]
    public void PromptTheServerRefused_SpanNamedByTheMethodAlone_ThePromptNameAnAttribute()
    {
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        string?[] errors = ["-32602", null, "cancelled"];
        var requests = errors.Select(e => new RequestTrace("prompts/get", null, startedAt: 1)
        {
            Traced = true, TraceIdHigh = 1, EndedAt = 2, Session = Pipe(null), Prompt = "made_up_7", ErrorType = e,
        }).ToArray();

        var spans = Decode(writer.Write(requests, SpanClock.Now())).Messages(1).Single().Messages(2).Single()
            .Messages(2).ToList();

        Assert.Equal(["prompts/get", "prompts/get made_up_7", "prompts/get"], spans.Select(s => s.String(5)));
        Assert.All(spans, s => Assert.Equal("made_up_7", Attributes(s.Messages(9))["gen_ai.prompt.name"]));
    }

    /// <summary>
    /// <c>run --url</c> hears its client on a pipe and calls the server over HTTP (<c>serve</c> with a child the other
    /// way round): each span names its own side's transport, alternating requests included (each keeps its copy).
    /// </summary>
    [Fact]
    public void ServerReachedOnAnotherTransport_ClientSpanNamesIt()
    {
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        var requests = Enumerable.Range(0, 3).Select(_ =>
        {
            var request = Forwarded();
            request.Session = request.Session with { ServerTransport = "tcp" };
            return request;
        }).ToArray();

        var spans = Decode(writer.Write(requests, SpanClock.Now())).Messages(1).Single().Messages(2).Single()
            .Messages(2).ToList();

        Assert.Equal(6, spans.Count);
        Assert.All(
            spans.Where(s => s.Scalar(6) == 2),
            s => Assert.Equal("pipe", Attributes(s.Messages(9))["network.transport"]));
        Assert.All(spans.Where(s => s.Scalar(6) == 3), s =>
        {
            var attributes = Attributes(s.Messages(9));
            Assert.Equal("tcp", attributes["network.transport"]);
            Assert.Equal("tools/call place_order", s.String(5));
            Assert.Equal("c1", attributes["jsonrpc.request.id"]);
            Assert.Equal("place_order", attributes["gen_ai.tool.name"]);
        });
    }

    [Theory]
    [InlineData("pipe", null)]
    [InlineData("tcp", "guard-session")]
    public void UpstreamSession_OnTheClientSpanOnly(string clientTransport, string? guardSession)
    {
        // run --url (a stdio client, pipe) and serve --url (the guard's own 2025 session, tcp) in front of a 2025
        // server: the CLIENT span names the server's session; the SERVER span the guard's, if any.
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        var request = Forwarded();
        request.Session = new(clientTransport, "tcp", guardSession, "alice");
        request.ServerSessionId = "upstream-session";

        var spans = Decode(writer.Write([request], SpanClock.Now())).Messages(1).Single().Messages(2).Single()
            .Messages(2).ToList();

        var server = Attributes(spans.Single(s => s.Scalar(6) == 2).Messages(9));
        var client = Attributes(spans.Single(s => s.Scalar(6) == 3).Messages(9));
        Assert.Equal("upstream-session", client["mcp.session.id"]);
        Assert.Equal(guardSession, server.GetValueOrDefault("mcp.session.id"));
    }

    [Theory]
    [InlineData("pipe", "guard-session")]
    [InlineData("tcp", "guard-session")]
    public void GuardSession_NotOnTheClientSpan(string serverTransport, string guardSession)
    {
        // serve with a stdio child (pipe), and serve --url in front of a server that gave no session: the guard's own
        // 2025 session is the client's, not the server's, so the CLIENT span names none (docs/telemetry.md).
        var writer = new OtlpSpanWriter(s_resource, "McpGuard", null);
        var request = Forwarded();
        request.Session = new("tcp", serverTransport, guardSession, "alice");

        var spans = Decode(writer.Write([request], SpanClock.Now())).Messages(1).Single().Messages(2).Single()
            .Messages(2).ToList();

        var server = Attributes(spans.Single(s => s.Scalar(6) == 2).Messages(9));
        var client = Attributes(spans.Single(s => s.Scalar(6) == 3).Messages(9));
        Assert.Equal(guardSession, server["mcp.session.id"]);
        Assert.False(client.ContainsKey("mcp.session.id"));
        Assert.Equal(serverTransport, client["network.transport"]);
    }

    /// <summary>A stdio session's (pipe on both sides, no session id) with <paramref name="agent"/>.</summary>
    private static TraceSession Pipe(string? agent) => new("pipe", "pipe", null, agent);

    private static RequestTrace Forwarded()
    {
        var request = ForwardedWithoutId();
        request.SetId("\"c1\""u8);
        return request;
    }

    private static RequestTrace ForwardedWithoutParent()
    {
        var request = Forwarded();
        (request.Parent, request.TraceIdHigh, request.TraceIdLow) = (default, 0, 0);
        return request;
    }

    private static RequestTrace ForwardedWithoutId() => new("tools/call", "place_order", startedAt: Seconds(1))
    {
        Traced = true,
        ForwardedAt = Seconds(1.5),
        EndedAt = Seconds(9),
        Session = Pipe("alice"),
        ProtocolVersion = "2026-07-28",
        Parent = TraceParent.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE"),
        TraceIdHigh = 0x4bf92f3577b34da6,
        TraceIdLow = 0xa3ce929d0e0e4736,
        Decision = "approved",
        Rule = "tools.place_order.rules[0]",
        Risk = "write",
        Channel = "desk",
        Redactions = 3,
    };

    private static long Seconds(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static byte[] Write(params RequestTrace[] requests) =>
        [.. new OtlpSpanWriter(s_resource, "McpGuard", "1").Write(requests, SpanClock.Now())];

    private static List<ProtoMessage> Spans(byte[] body) =>
        [.. Decode(body).Messages(1).Single().Messages(2).Single().Messages(2)];

    private static ProtoMessage Decode(ReadOnlySpan<byte> body) => new(body);

    private static Dictionary<string, string> Attributes(IEnumerable<ProtoMessage> keyValues) =>
        keyValues.ToDictionary(kv => kv.String(1)!, kv => Value(kv.Message(2)!), StringComparer.Ordinal);

    private static string Value(ProtoMessage any) =>
        any.String(1) ?? (any.Scalar(2) is { } b ? (b != 0 ? "true" : "false") : any.Scalar(3)?.ToString() ?? "");
}
