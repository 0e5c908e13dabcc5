namespace McpGuard.Session;

/// <summary>
/// The server answered the guard's own <c>tools/list</c> with a JSON-RPC error. <see cref="Error"/> is that error
/// object as the server wrote it (an object with an integer <c>code</c> and a string <c>message</c>): a 2026-07-28
/// call that needed the listing gets it unchanged, because a 2025-only server refuses every modern request and the
/// client reads that refusal to fall back to <c>initialize</c> (docs/relay.md#toolscall).
/// </summary>
internal sealed class ToolListRefusedException(string message, byte[] error) : InvalidOperationException(message)
{
    public byte[] Error { get; } = error;
}
