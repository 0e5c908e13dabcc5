using System.Net;
using System.Net.Sockets;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Why the upstream gave no usable answer, in words for the JSON-RPC error the request gets instead
/// (docs/remote.md#failures). Never carries a header value or a body of the upstream's.
/// </summary>
internal static class UpstreamFailure
{
    public static string Describe(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "its host name did not resolve",
        HttpRequestError.ConnectionError
            when Find<SocketException>(exception) is { SocketErrorCode: SocketError.ConnectionRefused } =>
            "the connection was refused",
        HttpRequestError.ConnectionError => "the connection failed",
        HttpRequestError.SecureConnectionError => "TLS failed: "
            + (Find<UpstreamCertificateException>(exception)?.Message
                ?? "the TLS handshake did not complete (not HTTPS on that port, or no TLS version in common)"),
        HttpRequestError.ResponseEnded => "it closed the connection before answering",
        HttpRequestError.InvalidResponse => "its answer was not valid HTTP",
        HttpRequestError.ConfigurationLimitExceeded => "the headers of its answer were larger than McpGuard accepts",
        _ => "the request failed",
    };

    /// <remarks>A 401 says what to do about the credential the guard sent: a login's token is renewed by signing
    /// in again; an <c>Authorization</c> of <c>--header</c> wins over any login, so that header is what to check.
    /// </remarks>
    public static string Status(HttpStatusCode status, UpstreamOptions options) => (int)status switch
    {
        401 when options.Headers.Any(h => h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) =>
            "it refused the guard's credential (HTTP 401); check the Authorization given with --header",
        401 when options.Credential is not null =>
            $"it refused the guard's credential (HTTP 401); run `mcpguard login --url {options.DisplayName}`",
        401 =>
            $"it asks for a credential (HTTP 401); run `mcpguard login --url {options.DisplayName}` or pass --header",
        403 => "it refused the guard (HTTP 403)",
        >= 300 and < 400 => $"it redirected (HTTP {(int)status}), and the guard does not follow redirects",
        _ => $"HTTP {(int)status}",
    };

    public static string Timeout(TimeSpan timeout) =>
        $"no answer within {timeout.TotalSeconds:0.###} s (--upstream-timeout)";

    public static string Outcome(AnswerOutcome outcome) => outcome switch
    {
        AnswerOutcome.Unreadable => "its answer was not a JSON-RPC message, so nothing of it was forwarded",
        AnswerOutcome.Oversized => "its answer was larger than McpGuard accepts",
        AnswerOutcome.UnsupportedMediaType => "its answer was neither JSON nor an event stream",
        _ => "it ended its answer without a response to this request",
    };

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}
