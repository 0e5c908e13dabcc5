using System.Buffers;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Why a request got no answer of the upstream's, and so the JSON-RPC error the guard answers it with instead
/// (docs/remote.md#failures). A closed set: who reads it (the inspection commands' probe) tells the cases apart by
/// type, never by the error's text.
/// </summary>
internal abstract record ExchangeFailure
{
    private ExchangeFailure()
    {
    }

    /// <summary>How the message of a <see cref="NoAnswer"/> error begins, before the upstream's URL.</summary>
    public const string NoAnswerPrefix = "McpGuard got no answer from the upstream ";

    /// <summary>Why, in words for a log line or a person (never a header value or a body of the upstream's).</summary>
    public abstract string Why { get; }

    /// <summary>The error the request gets, naming the upstream (<see cref="UpstreamOptions.DisplayName"/>).</summary>
    public abstract byte[] Error(JsonRpcId id, string upstream);

    /// <summary>
    /// Nothing usable came (refused, TLS, a timeout, a status, an unreadable answer): <c>-32603</c>, "McpGuard got no
    /// answer from the upstream URL: <paramref name="Reason"/>."
    /// </summary>
    public sealed record NoAnswer(string Reason) : ExchangeFailure
    {
        public override string Why => Reason;

        public override byte[] Error(JsonRpcId id, string upstream) => JsonRpcMessages.Error(
            id, ModelContextProtocol.McpErrorCode.InternalError.AsInt(), Message(upstream));

        public string Message(string upstream) => $"{NoAnswerPrefix}{upstream}: {Why}.";
    }

    /// <summary>
    /// A 2026-07-28 request answered HTTP 400, 404, 405 or 406 with no JSON-RPC error of its own: what a server of the
    /// 2025 revisions answers a request outside an initialized session (400 from the TypeScript SDK v1; the others from
    /// servers that route or check the request before MCP sees it; the spec's backward compatibility reads 400, 404
    /// and 405 without a modern error alike). The request gets what a 2026-07-28 server answers a revision
    /// it does not implement (<c>-32022</c>, with the revisions it does, those of <c>initialize</c>), so a client
    /// falls back to <c>initialize</c> as it would with that server. The revisions named are those the guard serves
    /// (<see cref="LegacyRevisions.Served"/>).
    /// </summary>
    public sealed record NotModern(string Revision, int Status) : ExchangeFailure
    {
        private const int UnsupportedProtocolVersion = -32022;

        public override string Why => $"HTTP {Status} to a {Revision} request: it speaks only the 2025 revisions";

        public override byte[] Error(JsonRpcId id, string upstream)
        {
            var error = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(error))
            {
                writer.WriteStartObject();
                writer.WriteNumber("code"u8, UnsupportedProtocolVersion);
                writer.WriteString(
                    "message"u8,
                    $"The upstream {upstream} does not speak {Revision}: it answered a {Revision} request with HTTP "
                        + $"{Status}, as a server of the 2025 revisions does. Initialize to use it.");
                writer.WriteStartObject("data"u8);
                writer.WriteStartArray("supported"u8);
                foreach (var revision in LegacyRevisions.Served)
                {
                    writer.WriteStringValue(revision);
                }

                writer.WriteEndArray();
                writer.WriteString("requested"u8, Revision);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            return JsonRpcMessages.Error(id, error.WrittenSpan.ToArray());
        }
    }
}
