namespace McpGuard.ClientConfig;

internal enum ServerChangeKind
{
    Wrapped,
    Unwrapped,
    AlreadyWrapped,
    NotWrapped,
    Skipped,
}
