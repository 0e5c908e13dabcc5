using System.Buffers;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// A server's request to the client enters the table of requests awaiting the client. A sampling request that
/// offers tools asks the client's model to pick tools the server then runs: under <c>sampling: { tools: refuse }</c>
/// the server gets an error and the client is never asked (2025 era); under <c>judge</c> the client's answer is
/// judged pick by pick before the server gets it (<see cref="ClientAnswerStage"/>). Where no client can take a
/// server's request (<paramref name="clientTakesNoRequests"/>: serve's shared 2026-07-28 child) the guard answers it
/// itself and logs it, never leaving the server waiting.
/// </summary>
internal sealed partial class ServerRequestStage(SessionChannels channels, ILogger logger, bool clientTakesNoRequests)
    : IMessageStage<ServerStep>
{
    /// <summary>What a server's request gets where no client can take it (<c>-32601</c>, Method not found).</summary>
    public const string NoClientMessage = "Method not found: McpGuard's clients here speak MCP 2026-07-28, which "
        + "takes no requests from a server (ask with input_required instead)";

    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        var header = step.Header;
        if (!header.IsRequest)
        {
            return StageOutcome.Next;
        }

        if (clientTakesNoRequests)
        {
            if (header.Method == RequestMethods.Ping)
            {
                return StageOutcome.ToServer(JsonRpcMessages.EmptyResult(header.Id!.Value));
            }

            LogNoClientForRequest(logger, TerminalText.Printable(header.Method));
            return StageOutcome.ToServer(
                JsonRpcMessages.Error(header.Id, McpErrorCode.MethodNotFound.AsInt(), NoClientMessage));
        }

        var judgesPicks = false;
        if (header.Method == SamplingWithTools.Method && OffersTools(step.Line))
        {
            if (step.Policy.SamplingTools == SamplingTools.Refuse)
            {
                LogSamplingWithToolsRefused(logger);
                return StageOutcome.ToServer(JsonRpcMessages.Error(
                    header.Id, SamplingWithTools.RefusedCode, "McpGuard: " + CallDecider.SamplingRefusedReason));
            }

            judgesPicks = true;
        }

        var pending = new PendingRequest(header.Id!.Value, header.Method!) { JudgesPicks = judgesPicks };
        channels.AwaitingClient.TryAdd(pending);
        return StageOutcome.Next;
    }

    private static bool OffersTools(ReadOnlySequence<byte> line)
    {
        if (!MessageSearch.Contains(line, "\"tools\""u8))
        {
            return false;
        }

        using var document = JsonDocument.Parse(line);
        return document.RootElement.TryGetProperty("params"u8, out var parameters)
            && SamplingWithTools.OffersTools(parameters);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered the server's {Method} request with Method not found: "
        + "the clients of this server speak MCP 2026-07-28, which takes no requests from a server.")]
    private static partial void LogNoClientForRequest(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused the server's sampling request with tools (the tools the model picks would run unjudged).")]
    private static partial void LogSamplingWithToolsRefused(ILogger logger);
}
