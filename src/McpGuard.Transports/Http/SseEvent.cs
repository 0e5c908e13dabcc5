namespace McpGuard.Http;

/// <summary>
/// One dispatched server-sent event (HTML standard, "Interpreting an event stream"): its type (<c>message</c> unless
/// an <c>event</c> field named another), its data as UTF-8 bytes with the lines joined by LF, and the stream's last
/// event id at the time it was dispatched (empty when none was ever set).
/// </summary>
internal sealed record SseEvent(string Type, ReadOnlyMemory<byte> Data, string LastEventId);
