using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// One message from the upstream (a JSON body or one SSE event's data), checked before the session sees it: exactly
/// one JSON object, no duplicate keys, <c>"jsonrpc":"2.0"</c>, a method or an id. What fails is never handed on.
/// <see cref="Bytes"/> is the message as one line: the upstream may spread its JSON over several lines (multi-line
/// SSE <c>data</c>), and in JSON that parsed, CR and LF can only be whitespace between tokens.
/// </summary>
/// <param name="Header">What the session judges the message by (<see cref="ServerMessageHeader"/>), read in the
/// same pass as the check, so the session does not read it again; null when the document's check decided.</param>
internal sealed record InboundMessage(
    ReadOnlyMemory<byte> Bytes,
    JsonRpcId? Id,
    bool IsResponse,
    bool IsError,
    string? ProtocolVersion,
    ServerMessageHeader? Header = null)
{
    private static readonly JsonDocumentOptions s_strict = new() { AllowDuplicateProperties = false, MaxDepth = 1024 };

    public static bool TryRead(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out InboundMessage? message)
    {
        var check = InboundScan.Check(data, out message);
        if (check == InboundCheck.Undecided)
        {
            return TryReadDocument(data, out message);
        }

        return check == InboundCheck.Valid && message is not null;
    }

    /// <summary>The check with a document, for what <see cref="InboundScan"/> leaves undecided.</summary>
    private static bool TryReadDocument(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out InboundMessage? message)
    {
        message = null;
        try
        {
            using var document = JsonDocument.Parse(data, s_strict);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("jsonrpc"u8, out var version)
                || version.ValueKind != JsonValueKind.String
                || !version.ValueEquals("2.0"u8))
            {
                return false;
            }

            var hasMethod = root.TryGetProperty("method"u8, out var method) && method.ValueKind == JsonValueKind.String;
            var id = root.TryGetProperty("id"u8, out var idElement) ? JsonRpcId.FromElement(idElement) : null;
            var hasResult = root.TryGetProperty("result"u8, out var result);
            var isError = !hasMethod && root.TryGetProperty("error"u8, out _);
            var isResponse = !hasMethod && (hasResult || isError);
            if (!hasMethod && !(isResponse && id is not null))
            {
                return false;
            }

            // An initialize answer names the revision the 2025 session speaks from now on.
            var protocolVersion = isResponse && hasResult && result.ValueKind == JsonValueKind.Object
                && result.TryGetProperty("protocolVersion"u8, out var negotiated)
                && negotiated.ValueKind == JsonValueKind.String
                    ? negotiated.GetString()
                    : null;
            message = new InboundMessage(OneLine(data), id, isResponse, isError, protocolVersion);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The message as one line (see the summary above).</summary>
    internal static ReadOnlyMemory<byte> OneLine(ReadOnlyMemory<byte> data)
    {
        if (data.Span.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return data;
        }

        var copy = data.ToArray();
        copy.AsSpan().Replace((byte)'\r', (byte)' ');
        copy.AsSpan().Replace((byte)'\n', (byte)' ');
        return copy;
    }
}
