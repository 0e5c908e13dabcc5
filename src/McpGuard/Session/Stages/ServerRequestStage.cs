using System.Buffers;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// A server's request to the client enters the table of requests awaiting the client. A sampling request that
/// offers tools asks the client's model to pick tools the server then runs: under <c>sampling: { tools: refuse }</c>
/// the server gets an error and the client is never asked (2025 era); under <c>judge</c> the client's answer is
/// judged pick by pick before the server gets it (<see cref="ClientAnswerStage"/>).
/// </summary>
internal sealed partial class ServerRequestStage(SessionChannels channels, ILogger logger) : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        var header = step.Header;
        if (!header.IsRequest)
        {
            return StageOutcome.Next;
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

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused the server's sampling request with tools (the tools the model picks would run unjudged).")]
    private static partial void LogSamplingWithToolsRefused(ILogger logger);
}
