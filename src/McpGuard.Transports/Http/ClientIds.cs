using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// A stateless request's own ids (its JSON-RPC id and progress token, as raw JSON), replaced on the shared child by
/// ids of the guard's own so two clients never collide; put back into every message that goes to that client.
/// </summary>
internal sealed record ClientIds(byte[] Id, byte[]? ProgressToken)
{
    private static readonly string[] s_id = ["id"];
    private static readonly string[] s_progressToken = ["params", "progressToken"];
    private static readonly string[] s_subscription = ["params", "_meta", ModernMeta.SubscriptionIdKey];

    public byte[] Apply(OutboundMessage message) => message.Kind switch
    {
        MessageKind.Response => JsonSplice.Replace(message.Bytes, s_id, Id),
        MessageKind.Notification when message.SubscriptionId is not null =>
            JsonSplice.Replace(message.Bytes, s_subscription, Id),
        MessageKind.Notification when ProgressToken is not null && message.ProgressToken is not null =>
            JsonSplice.Replace(message.Bytes, s_progressToken, ProgressToken),
        _ => message.Bytes,
    };
}
