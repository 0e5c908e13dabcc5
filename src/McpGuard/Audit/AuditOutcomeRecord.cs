using System.Text.Json;

namespace McpGuard.Audit;

/// <summary>How a forwarded call ended: the server's answer (or the guard's, if the server went away).</summary>
internal sealed record AuditOutcomeRecord
{
    public required string CallId { get; init; }

    public JsonElement? RequestId { get; init; }

    public string? Tool { get; init; }

    /// <summary>From forwarding the call to receiving its answer.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>True for a JSON-RPC error response or a result with <c>isError: true</c>.</summary>
    public required bool IsError { get; init; }

    /// <summary>The JSON-RPC error code, for an error response.</summary>
    public long? ErrorCode { get; init; }

    /// <summary>Builds the record from the answer's root object (<c>{"jsonrpc":"2.0","id":…,"result"|"error":…}</c>).</summary>
    public static AuditOutcomeRecord FromResponse(string callId, JsonElement? requestId, string? tool, TimeSpan duration, JsonElement response)
    {
        var isError = false;
        long? errorCode = null;
        if (response.ValueKind == JsonValueKind.Object)
        {
            if (response.TryGetProperty("error"u8, out var error))
            {
                isError = true;
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code"u8, out var code)
                    && code.ValueKind == JsonValueKind.Number && code.TryGetInt64(out var value))
                {
                    errorCode = value;
                }
            }
            else if (response.TryGetProperty("result"u8, out var result) && result.ValueKind == JsonValueKind.Object
                && result.TryGetProperty("isError"u8, out var flag) && flag.ValueKind == JsonValueKind.True)
            {
                isError = true;
            }
        }

        return new AuditOutcomeRecord
        {
            CallId = callId,
            RequestId = requestId,
            Tool = tool,
            Duration = duration,
            IsError = isError,
            ErrorCode = errorCode,
        };
    }
}
