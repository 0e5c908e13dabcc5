namespace McpGuard.Http.Upstream;

/// <summary>Where the upstream's checked messages go: the session, which judges them exactly like a child's.</summary>
internal interface IUpstreamSink
{
    /// <summary>
    /// Hands one message to the session. Calls may come from several answers at once; the sink orders them.
    /// </summary>
    ValueTask DeliverAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);
}
