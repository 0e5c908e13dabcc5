using System.Net;
using System.Text.Json;
using McpGuard.Desk;
using Microsoft.Extensions.Logging;

namespace McpGuard.Approval;

/// <summary>
/// Asks through <c>mcpguard desk</c> on loopback. Available if a desk answers at the moment of asking, so a
/// guard started before the desk is fine. The request is posted, then long-polled; a desk that restarted does
/// not know it any more and gets it posted again; a desk that went away is retried until the timeout. Every
/// request carries the guard key derived from the per-user secret (never the secret), and every answer must prove
/// the desk knows the secret itself, so another program listening on the port cannot approve anything. Port and
/// secret are read at each question (<see cref="DeskFiles"/>): a desk started later, or on another port, is found.
/// </summary>
internal sealed partial class DeskChannel(
    HttpClient http, Func<int> readPort, Func<string?> readSecret, TimeProvider timeProvider, ILogger logger)
    : IApprovalChannel
{
    private const int LongPollSeconds = 20;
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromSeconds(1);

    public string Name => "desk";

    public async Task<ApprovalOutcome?> AskAsync(
        ApprovalRequest request,
        DateTimeOffset deadline,
        Action<string> unavailableBecause,
        CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("n");
        var body = ApprovalJson.ToBytes(request, deadline);
        var port = readPort();
        string? secret;
        try
        {
            secret = readSecret();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            unavailableBecause($"cannot use the desk secret: {ex.Message}");
            return null;
        }

        if (secret is null)
        {
            unavailableBecause(
                $"no desk has been started for this user (no {DeskFiles.SecretPath}; start one with `mcpguard desk`)");
            return null;
        }

        try
        {
            var posted = await PostAsync(port, id, body, secret, cancellationToken);
            if (posted != HttpStatusCode.OK)
            {
                unavailableBecause($"the desk on 127.0.0.1:{port} refused the request (HTTP {(int)posted}); "
                    + $"do the desk and the guard run as the same user, with the same MCPGUARD_HOME?");
                return null;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            // Refused, or (OperationCanceledException) the connect timeout: nobody is listening there.
            LogUnreachable(logger, port, ex.Message);
            unavailableBecause($"no desk is running on 127.0.0.1:{port} (start one with `mcpguard desk`)");
            return null;
        }

        LogPosted(logger, request.ToolName, port);
        try
        {
            while (true)
            {
                if (await PollAsync(port, id, body, secret, cancellationToken) is { } answer)
                {
                    return answer switch
                    {
                        DeskAnswer.Approved => ApprovalOutcome.Approve("approved on the McpGuard desk."),
                        DeskAnswer.Denied => ApprovalOutcome.Refuse(
                            $"a person denied {request.ToolName} on the McpGuard desk."),
                        _ => ApprovalOutcome.Refuse(
                            "the approval desk's answer could not be verified, so it is not trusted.",
                            $"the desk on 127.0.0.1:{port} answered without proving it knows the secret."),
                    };
                }
            }
        }
        catch (OperationCanceledException)
        {
            await TryWithdrawAsync(port, id, secret);
            throw;
        }
    }

    /// <summary>
    /// One long poll. Returns the answer (<see cref="DeskAnswer.Unknown"/> for one without a valid proof), or null to
    /// poll again.
    /// </summary>
    private async Task<DeskAnswer?> PollAsync(
        int port, string id, byte[] body, string secret, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(
                HttpMethod.Get, port, $"{id}?waitSeconds={LongPollSeconds}", null, secret, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                // The desk restarted and lost it: ask again.
                var status = await PostAsync(port, id, body, secret, cancellationToken);
                LogReposted(logger, port, (int)status);
                return null;
            }

            response.EnsureSuccessStatusCode();
            using var answer = await JsonDocument.ParseAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var state = answer.RootElement.GetProperty("state"u8).GetString();
            if (state is not ("approved" or "denied"))
            {
                return null;
            }

            var proof = answer.RootElement.TryGetProperty("proof"u8, out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()
                : null;
            return !DeskFiles.IsProof(proof, secret, id, state) ? DeskAnswer.Unknown
                : state == "approved" ? DeskAnswer.Approved : DeskAnswer.Denied;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException
            or KeyNotFoundException or InvalidOperationException
            && !cancellationToken.IsCancellationRequested)
        {
            // The desk is away (restarting?), or the HTTP timeout passed: try again shortly, until the overall timeout.
            LogPollFailed(logger, port, ex.Message);
            await Task.Delay(s_retryDelay, timeProvider, cancellationToken);
            return null;
        }
    }

    private async Task<HttpStatusCode> PostAsync(
        int port, string id, byte[] body, string secret, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await SendAsync(HttpMethod.Post, port, id, content, secret, cancellationToken);
        return response.StatusCode;
    }

    private async Task TryWithdrawAsync(int port, string id, string secret)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), timeProvider);
            using var response = await SendAsync(HttpMethod.Delete, port, id, null, secret, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The desk expires it at its deadline anyway.
        }
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        int port,
        string path,
        HttpContent? content,
        string secret,
        CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, $"http://127.0.0.1:{port}/api/guard/requests/{path}")
        {
            Content = content,
        };
        message.Headers.Add(DeskFiles.GuardKeyHeader, DeskFiles.GuardKey(secret));
        return await http.SendAsync(message, cancellationToken);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Approval for {ToolName} posted to the desk on port {Port}.")]
    private static partial void LogPosted(ILogger logger, string toolName, int port);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "The desk on port {Port} did not know the request (restarted?); posted it again (HTTP {Status}).")]
    private static partial void LogReposted(ILogger logger, int port, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No desk on port {Port}: {Why}")]
    private static partial void LogUnreachable(ILogger logger, int port, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the desk on port {Port} while waiting ({Why}); retrying.")]
    private static partial void LogPollFailed(ILogger logger, int port, string why);
}
