using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace McpGuard.Approval;

/// <summary>
/// Runs <c>approval.command</c> (no shell) with the request as JSON on stdin; exit code 0 approves. Its stderr
/// is logged line by line at Trace only: an approver may echo its request, and the request carries the call's
/// arguments (API secrets among them). The process tree is killed when the call is withdrawn or the timeout passes.
/// </summary>
internal sealed partial class CommandChannel(Func<IReadOnlyList<string>> command, ILogger logger) : IApprovalChannel
{
    public string Name => "command";

    public async Task<ApprovalOutcome?> AskAsync(
        ApprovalRequest request,
        DateTimeOffset deadline,
        Action<string> unavailableBecause,
        CancellationToken cancellationToken)
    {
        var commandLine = command();
        if (commandLine.Count == 0)
        {
            unavailableBecause("approval.command is not set");
            return null;
        }

        var program = Path.GetFileName(commandLine[0]);
        var startInfo = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in commandLine.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            LogCannotStart(logger, commandLine[0], ex.Message);
            unavailableBecause($"the approval command '{commandLine[0]}' cannot start: {ex.Message}");
            return null;
        }

        // Killed from the cancellation itself, not after it: the approver's caller stops waiting at once
        // (ChannelApprover's WaitAsync) and a guard that is stopping may exit before this method resumes, which
        // left the approver and its children running.
        using var kill = cancellationToken.Register(() => Kill(process));
        var stderr = LogStderrAsync(process.StandardError);
        // Drained so a chatty approver never blocks on a full pipe; its stdout means nothing.
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        try
        {
            var json = ApprovalJson.ToBytes(request, deadline);
            await process.StandardInput.BaseStream.WriteAsync(json, cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited without reading stdin (or was killed); its exit code still decides.
        }

        await process.WaitForExitAsync(cancellationToken);

        await Task.WhenAll(stderr, stdout);
        LogExited(logger, program, process.ExitCode);
        return process.ExitCode == 0
            ? ApprovalOutcome.Approve($"approved by the approval command '{program}'.")
            : ApprovalOutcome.Refuse(
                $"the approval command refused (exit code {process.ExitCode}).",
                $"the approval command was '{program}'.");
    }

    private void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            LogKilled(logger, process.Id);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // It had already exited (or is beyond this user's reach: nothing more to do).
        }
    }

    private async Task LogStderrAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync(CancellationToken.None) is { } line)
        {
            LogApproverSaidSensitive(logger, line);
        }
    }

    [LoggerMessage(Level = LogLevel.Trace, Message = "approval command: {Line}")]
    private static partial void LogApproverSaidSensitive(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval command {Program} exited with code {ExitCode}.")]
    private static partial void LogExited(ILogger logger, string program, int exitCode);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Approval command (pid {Pid}) killed: no answer in time or the call was withdrawn.")]
    private static partial void LogKilled(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Approval command {Program} cannot start: {Why}")]
    private static partial void LogCannotStart(ILogger logger, string program, string why);
}
