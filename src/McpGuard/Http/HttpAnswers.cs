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

    /// <summary>A status with a one-line plain-text reason (no JSON-RPC: the request never became a message).</summary>
    public static Task StatusAsync(HttpResponse response, int status, string reason)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(reason + "\n");
    }
}
