using System.Text.Json;

namespace McpGuard.Session;

/// <summary>A client→server line that passed strict validation, with its parsed document.</summary>
internal sealed class ClientMessage(
    JsonDocument document, MessageKind kind, string? method, JsonRpcId? id, JsonElement parameters) : IDisposable
{
    /// <summary><see cref="Era"/> once read: 0 until then, else the era plus one (one int, written whole).</summary>
    private int _era;

    public JsonDocument Document { get; } = document;

    public MessageKind Kind { get; } = kind;

    public string? Method { get; } = method;

    public JsonRpcId? Id { get; } = id;

    /// <summary>The message's <c>params</c>, found while it was classified; default when it has none.</summary>
    public JsonElement Params { get; } = parameters;

    /// <summary>
    /// <see cref="ModernMeta.EraOf"/> of its <c>params</c>, read once: over HTTP both the endpoint and the gate ask,
    /// and each asking looked <c>_meta</c> up again (~250 instructions a call, bench/README.md, issue 24).
    /// </summary>
    public ProtocolEra Era
    {
        get
        {
            var known = _era;
            if (known == 0)
            {
                known = (int)ModernMeta.EraOf(Params) + 1;
                _era = known;
            }

            return (ProtocolEra)(known - 1);
        }
    }

    public void Dispose() => Document.Dispose();
}
