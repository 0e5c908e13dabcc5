using System.Text.Json;

namespace McpGuard.Session;

/// <summary>A client→server line that passed strict validation, with its parsed document.</summary>
internal sealed class ClientMessage(
    JsonDocument document, MessageKind kind, string? method, JsonRpcId? id, JsonElement parameters) : IDisposable
{
    public JsonDocument Document { get; } = document;

    public MessageKind Kind { get; } = kind;

    public string? Method { get; } = method;

    public JsonRpcId? Id { get; } = id;

    /// <summary>The message's <c>params</c>, found while it was classified; default when it has none.</summary>
    public JsonElement Params { get; } = parameters;

    public void Dispose() => Document.Dispose();
}
