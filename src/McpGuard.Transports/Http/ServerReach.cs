using System.Net;
using McpGuard.Http.Upstream;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// Whether the gateway's server can be reached, for <c>GET /readyz</c>: a child's command that could be started (it
/// exists and may be executed; found on PATH when bare, as the child's start looks it up), or a remote server that
/// answers HTTP at all (a HEAD to its endpoint: any status but 502, 503 or 504; a refusal, a TLS failure or silence
/// is not an answer). Nothing is started and no MCP message is sent.
/// </summary>
internal static class ServerReach
{
    public static ReadinessOutcome Command(string command, string? path) =>
        CommandLookup.Locate(command, path) switch
        {
            CommandLocation.Found => ReadinessOutcome.Yes,
            CommandLocation.Missing => new ReadinessOutcome.NotReady($"'{command}' does not exist"),
            CommandLocation.NotExecutable =>
                new ReadinessOutcome.NotReady($"'{command}' cannot be run (not executable)"),
            _ => new ReadinessOutcome.NotReady($"'{command}' was not found on PATH"),
        };

    public static async Task<ReadinessOutcome> UpstreamAsync(
        HttpMessageInvoker http, UpstreamOptions upstream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Head, upstream.Endpoint);
        try
        {
            using var response = await http.SendAsync(request, timer.Token);
            return response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
                or HttpStatusCode.GatewayTimeout
                ? NotReady(upstream, $"HTTP {(int)response.StatusCode}")
                : ReadinessOutcome.Yes;
        }
        catch (HttpRequestException ex)
        {
            return NotReady(upstream, UpstreamFailure.Describe(ex));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NotReady(upstream, $"no answer within {timeout.TotalSeconds:0} s");
        }
    }

    private static ReadinessOutcome.NotReady NotReady(UpstreamOptions upstream, string why) =>
        new($"the upstream {upstream.DisplayName} does not answer: {why}");
}
