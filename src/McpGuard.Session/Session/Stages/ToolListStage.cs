using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// The answer to the client's tools/list loses its hidden tools (and, with pins, tools that drifted under
/// on_change/on_new: hide, and a positive ttlMs), and feeds the session's catalog. The catalog keeps every listed
/// tool, the hidden ones too: the gate hides at call time (as for the guard's own listing), so a call to a tool cut
/// from this page is audited as hidden. A list the guard cannot read is not forwarded (it could show a hidden
/// tool), but answered: the client must not wait forever.
/// </summary>
internal sealed partial class ToolListStage(SessionChannels channels, PinDriftReporter drift, ILogger logger)
    : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (step.Pending?.Method != RequestMethods.ToolsList)
        {
            return StageOutcome.Next;
        }

        byte[]? rewritten;
        ToolListPage? page;
        var listed = new List<ListedTool>();
        try
        {
            var judge = ToolListJudges.For(step.Policy, channels.ServerName, hide: true, drift.Report, listed.Add);
            rewritten = ToolListRewriter.Rewrite(step.Line, judge, capTtl: step.Policy.Pins is not null, out page);
        }
        catch (JsonException ex)
        {
            LogUnreadableToolList(logger, ex.Message);
            return StageOutcome.ToClient(JsonRpcMessages.Error(
                step.Header.Id, McpErrorCode.InternalError.AsInt(),
                "McpGuard could not read the server's tools/list answer: " + ex.Message));
        }

        if (page is not null)
        {
            channels.Catalog.AddPage(listed, page.IsLastPage);
        }

        return rewritten is null ? StageOutcome.Next : StageOutcome.ToClient(rewritten);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server's tools/list answer was not forwarded: {Why}")]
    private static partial void LogUnreadableToolList(ILogger logger, string why);
}
