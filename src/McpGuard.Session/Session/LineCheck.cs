using System.Diagnostics.CodeAnalysis;

namespace McpGuard.Session;

/// <summary>
/// What the strict check made of one client line (<see cref="ClientMessageValidator"/>): a message to handle, a
/// blank line to ignore, or a refusal to answer. Exactly one holds. A struct, so checking a line allocates nothing
/// beyond the message itself.
/// </summary>
internal readonly struct LineCheck
{
    private readonly ClientMessage? _message;
    private readonly LineRejection? _rejection;

    private LineCheck(ClientMessage? message, LineRejection? rejection) =>
        (_message, _rejection) = (message, rejection);

    /// <summary>An empty or whitespace-only line: ignored, never answered.</summary>
    public static LineCheck Blank => default;

    public bool IsBlank => _message is null && _rejection is null;

    public static implicit operator LineCheck(ClientMessage message) => new(message, null);

    public static implicit operator LineCheck(LineRejection rejection) => new(null, rejection);

    /// <summary>True with the accepted message, which the caller then owns and disposes.</summary>
    public bool Accepted([NotNullWhen(true)] out ClientMessage? message)
    {
        message = _message;
        return message is not null;
    }

    /// <summary>True with the JSON-RPC error the line is answered with.</summary>
    public bool Refused([NotNullWhen(true)] out LineRejection? rejection)
    {
        rejection = _rejection;
        return rejection is not null;
    }
}
