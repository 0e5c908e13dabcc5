using System.Text.Json;

namespace McpGuard.Relay;

/// <summary>A client→server line that passed strict validation, with its parsed document.</summary>
internal sealed class ClientMessage(JsonDocument document, MessageKind kind, string? method, JsonRpcId? id) : IDisposable
{
    public JsonDocument Document { get; } = document;

    public MessageKind Kind { get; } = kind;

    public string? Method { get; } = method;

    public JsonRpcId? Id { get; } = id;

    public JsonElement Params =>
        Document.RootElement.TryGetProperty("params"u8, out var value) ? value : default;

    public void Dispose() => Document.Dispose();
}
