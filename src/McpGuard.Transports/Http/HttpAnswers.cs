using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>The gateway's own answers: a status, and where the spec asks for one, a JSON-RPC error body.</summary>
internal static class HttpAnswers
{
    public static Task JsonRpcErrorAsync(HttpResponse response, int status, JsonRpcId? id, int code, string message)
    {
        var body = JsonRpcMessages.Error(id, code, message);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>
    /// The code both SDKs answer an unknown <c>Mcp-Session-Id</c> with (not in the MCP spec, which asks only for
    /// 404): a client that reads the body as JSON-RPC, as they do, sees why and initializes again.
    /// </summary>
    public const int SessionNotFoundCode = -32001;

    /// <summary>The code the SDKs use for a transport refusal that has no JSON-RPC code of its own (405, 406, 409,
    /// 415, 503).</summary>
    public const int TransportErrorCode = -32000;

    /// <summary>404 for a session id that names no open session of the caller, as a JSON-RPC error.</summary>
    public static Task SessionNotFoundAsync(HttpResponse response, JsonRpcId? id) =>
        JsonRpcErrorAsync(response, StatusCodes.Status404NotFound, id, SessionNotFoundCode,
            "Session not found: initialize again.");

    /// <summary>A status with a one-line plain-text reason (no JSON-RPC: the request never became a message).</summary>
    public static Task StatusAsync(HttpResponse response, int status, string reason)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(reason + "\n");
    }
}
