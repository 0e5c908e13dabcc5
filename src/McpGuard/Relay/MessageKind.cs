namespace McpGuard.Relay;

internal enum MessageKind
{
    Request,
    Notification,
    Response,
}
