using System.Runtime.CompilerServices;

namespace McpGuard.Telemetry;

/// <summary>
/// The bytes of a request's two spans that follow from the values its requests mostly share (the name, the MCP
/// attributes, the decision's, the error and the status and flags), kept with those values: a request whose values
/// are the same instances as a kept shape's (a guard relaying one agent's calls to a few tools) has each span's
/// fields between its head and its request id copied in one go, instead of two or three runs compared and copied
/// apiece (<see cref="RepeatedBlock"/>, still used to encode a shape not kept). The last few shapes are kept, the
/// last one found checked first. Used by one export thread.
/// </summary>
internal sealed class SpanShapes
{
    private const int Kept = 4;

    /// <summary>Longer encodings (a huge tool name) are written every time rather than kept.</summary>
    private const int MaxKept = 2048;

    private readonly Shape[] _shapes = [new(), new(), new(), new()];
    private int _last;

    /// <summary>The kept shape of <paramref name="request"/>'s values, or null.</summary>
    public Shape? Find(RequestTrace request)
    {
        var at = _last;
        for (var i = 0; i < Kept; i++)
        {
            var shape = _shapes[at];
            if (shape.Matches(request))
            {
                _last = at;
                return shape;
            }

            at = at == Kept - 1 ? 0 : at + 1;
        }

        return null;
    }

    /// <summary>
    /// Keeps <paramref name="server"/>, the SERVER span's shared bytes as encoded from <paramref name="request"/>'s
    /// values, in place of the shape checked last; null (nothing kept) when they are too long.
    /// </summary>
    public Shape? Keep(RequestTrace request, ReadOnlySpan<byte> server)
    {
        if (server.Length > MaxKept)
        {
            return null;
        }

        _last = (_last + Kept - 1) % Kept;
        var shape = _shapes[_last];
        shape.Keep(request, server);
        return shape;
    }

    /// <summary>One request shape: its values, and its spans' bytes that follow from them.</summary>
    internal sealed class Shape
    {
        private readonly byte[] _server = new byte[MaxKept];
        private readonly byte[] _client = new byte[MaxKept];
        private int _serverLength = -1;
        private int _clientLength = -1;

        private string? _tool;
        private string? _prompt;
        private string? _method;
        private TraceSession? _session;
        private string? _protocolVersion;
        private string? _decision;
        private string? _rule;
        private string? _risk;
        private string? _sender;
        private string? _channel;
        private string? _errorType;
        private string? _clientErrorType;
        private string? _serverSessionId;
        private bool _remoteParent;
        private bool _clientId;

        public ReadOnlySpan<byte> Server => _server.AsSpan(0, _serverLength);

        /// <summary>The CLIENT span's bytes, once a forwarded request of this shape was encoded; else empty.</summary>
        public ReadOnlySpan<byte> Client => _clientLength < 0 ? default : _client.AsSpan(0, _clientLength);

        public bool HasClient => _clientLength >= 0;

        /// <summary>
        /// True when the request's values are this shape's: the same instance mostly, else an ordinal compare; the
        /// values that vary most first.
        /// </summary>
        public bool Matches(RequestTrace r) =>
            _serverLength >= 0 && Same(r.Tool, _tool) && Same(r.Decision, _decision) && Same(r.Rule, _rule)
            && Same(r.ErrorType, _errorType) && Same(r.Method, _method) && Same(r.Risk, _risk)
            && Same(r.Sender, _sender) && Same(r.Channel, _channel) && Same(r.Prompt, _prompt)
            && Same(r.ClientErrorType, _clientErrorType) && Same(r.Session, _session)
            && Same(r.ProtocolVersion, _protocolVersion) && Same(r.ServerSessionId, _serverSessionId)
            && r.Parent.Exists == _remoteParent && (r.ClientId is not null) == _clientId;

        public void Keep(RequestTrace r, ReadOnlySpan<byte> server)
        {
            _tool = r.Tool;
            _prompt = r.Prompt;
            _method = r.Method;
            _session = r.Session;
            _protocolVersion = r.ProtocolVersion;
            _decision = r.Decision;
            _rule = r.Rule;
            _risk = r.Risk;
            _sender = r.Sender;
            _channel = r.Channel;
            _errorType = r.ErrorType;
            _clientErrorType = r.ClientErrorType;
            _serverSessionId = r.ServerSessionId;
            _remoteParent = r.Parent.Exists;
            _clientId = r.ClientId is not null;
            server.CopyTo(_server);
            _serverLength = server.Length;
            _clientLength = -1;
        }

        /// <summary>Keeps the CLIENT span's bytes of this shape (a forwarded request's), if short enough.</summary>
        public void KeepClient(ReadOnlySpan<byte> client)
        {
            if (client.Length <= MaxKept)
            {
                client.CopyTo(_client);
                _clientLength = client.Length;
            }
        }

        /// <summary>The same instance first, without a call (string.Equals is not inlined); then ordinal.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Same(string? value, string? kept) =>
            ReferenceEquals(value, kept) || string.Equals(value, kept);

        /// <summary>
        /// The same session mostly; another session's with the same values (another of <c>serve</c>'s clients
        /// without a session id) shares the shape too.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Same(TraceSession value, TraceSession? kept) =>
            ReferenceEquals(value, kept) || value.Equals(kept);
    }
}
