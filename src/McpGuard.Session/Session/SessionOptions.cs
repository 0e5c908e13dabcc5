namespace McpGuard.Session;

/// <summary>How one session decides and waits, whatever transport drives it.</summary>
internal sealed record SessionOptions
{
    /// <summary>Decide, log and audit everything but block nothing (hidden tools stay hidden).</summary>
    public bool Monitor { get; init; }

    /// <summary>
    /// A message longer than this is dropped (and a client request refused) instead of buffered; transports enforce it.
    /// </summary>
    public long MaxMessageBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How long the guard waits for the server to answer its own tools/list.</summary>
    public TimeSpan OwnRequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The transport as spans name it (<c>network.transport</c>): <c>pipe</c> on stdio, <c>tcp</c> on HTTP.
    /// </summary>
    public string NetworkTransport { get; init; } = "pipe";

    /// <summary>
    /// The transport to the server, as the CLIENT span names it: <c>pipe</c> to a child, <c>tcp</c> to a remote
    /// server (<c>--url</c>). <c>run --url</c> hears its client on a pipe and calls its server over HTTP; <c>serve</c>
    /// the other way round.
    /// </summary>
    public string ServerTransport { get; init; } = "pipe";

    /// <summary>
    /// Who calls (<c>mcpguard.agent</c>): in <c>run</c> the local user; in <c>serve</c> the authenticated agent.
    /// </summary>
    public string Agent { get; init; } = Environment.UserName;

    /// <summary>Per-request agents where one session serves several (serve's shared child); else null.</summary>
    public IRequestAgents? RequestAgents { get; init; }

    /// <summary>
    /// True where no client can take the server's requests: serve's shared child, whose clients speak the 2026-07-28
    /// era, in which a server asks with <c>input_required</c> and never sends a request. One it sends anyway is
    /// answered by the guard (a ping with an empty result, anything else -32601) and logged, so the server never
    /// waits for an answer that cannot come (docs/serve.md).
    /// </summary>
    public bool ClientTakesNoRequests { get; init; }

    /// <summary>
    /// A 2025-era HTTP session's <c>Mcp-Session-Id</c> (<c>mcp.session.id</c> on spans); null elsewhere.
    /// </summary>
    public string? SessionId { get; init; }

    /// <summary>
    /// The remote server's current 2025-era <c>Mcp-Session-Id</c> (<c>--url</c>; <c>mcp.session.id</c> on CLIENT
    /// spans); null elsewhere.
    /// </summary>
    public Func<string?>? ServerSessionId { get; init; }

    /// <summary>
    /// Told, with the call's id, when a client's call starts waiting for a person: <c>serve</c> then answers it with
    /// an event stream at once, kept alive while the person decides (docs/serve.md); null elsewhere.
    /// </summary>
    public Func<JsonRpcId, ValueTask>? WaitsForPerson { get; init; }

    /// <summary><c>telemetry.arguments</c>: whether argument values may appear on spans.</summary>
    public McpGuard.Policy.Settings.TelemetryArguments TelemetryArguments { get; init; }

    /// <summary>
    /// The server's name as the operator gave it (<c>run --name</c>, which wrap sets to the config entry's name, or
    /// <c>serve --name</c>).
    /// Without it, approval prompts name the server by its command, as the desk's picture and the audit log do.
    /// </summary>
    public string? ServerLabel { get; init; }
}
