using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace McpGuard.Approval;

/// <summary>
/// Runs <c>approval.command</c> (no shell) with the request as JSON on stdin; exit code 0 approves. Its stderr
/// is logged line by line; the process tree is killed when the call is withdrawn or the timeout passes.
/// </summary>
internal sealed partial class CommandChannel(Func<IReadOnlyList<string>> command, ILogger logger) : IApprovalChannel
{
    public string Name => "command";

    public bool IsAvailable => command().Count > 0;

    public async Task<ApprovalOutcome> AskAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var commandLine = command();
        var startInfo = new ProcessStartInfo(commandLine[0]) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in commandLine.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (Win32Exception ex)
        {
            return ApprovalOutcome.Refuse($"the approval command '{commandLine[0]}' could not start: {ex.Message}.");
        }

        using (process)
        {
            var stderr = LogStderrAsync(process.StandardError);
            try
            {
                await using (var stdin = process.StandardInput)
                {
                    await stdin.WriteAsync(JsonSerializer.Serialize(new
                    {
                        call_id = request.CallId,
                        server = request.ServerName,
                        tool = request.ToolName,
                        arguments = request.Arguments.ValueKind == JsonValueKind.Object ? (JsonElement?)request.Arguments : null,
                        rule = request.RuleId,
                        reason = request.Reason,
                    }).AsMemory(), cancellationToken);
                }

                await process.WaitForExitAsync(cancellationToken);
                await stderr;
            }
            catch (IOException)
            {
                // It exited without reading stdin; its exit code still decides.
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return process.ExitCode == 0
                ? ApprovalOutcome.Approve($"approved by the approval command '{Path.GetFileName(commandLine[0])}'.")
                : ApprovalOutcome.Refuse($"the approval command '{Path.GetFileName(commandLine[0])}' refused (exit code {process.ExitCode}).");
        }
    }

    private async Task LogStderrAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync() is { } line)
        {
            LogApproverSaid(logger, line);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "approval command: {Line}")]
    private static partial void LogApproverSaid(ILogger logger, string line);
}
