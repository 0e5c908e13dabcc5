namespace McpGuard.Session;

internal enum MessageKind
{
    Request,
    Notification,
    Response,
}
