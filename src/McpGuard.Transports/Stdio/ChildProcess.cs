using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace McpGuard.Stdio;

/// <summary>
/// The guarded MCP server: started without a shell, environment inherited, stderr passed through to ours.
/// Shutdown escalates as docs/relay.md#lifecycle says: close stdin and wait, then SIGTERM and wait, then kill the tree.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Task _stderrCopy;

    private ChildProcess(Process process, Stream ourStderr, ILogger logger, bool readsInline)
    {
        _process = process;
        _logger = logger;
        _stderrCopy = CopyStderrAsync(process.StandardError.BaseStream, ourStderr);
        StandardOutput = readsInline
            ? new InlineReadStream(process.StandardOutput.BaseStream)
            : process.StandardOutput.BaseStream;
        Exited = WaitForExitCodeAsync();
    }

    public int Id => _process.Id;

    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <summary>
    /// The child's stdout, read inline: only a pump on a thread of its own reads it (<see cref="InlineReadStream"/>).
    /// </summary>
    public Stream StandardOutput { get; }

    /// <summary>Completes with the exit code once the process has exited and its stderr is drained.</summary>
    public Task<int> Exited { get; }

    /// <exception cref="ChildStartException">The command could not be started; the message names it.</exception>
    /// <param name="readsInline">Stdout read with blocking reads (<see cref="RelayOptions.ChildOutputReadsInline"/>).
    /// </param>
    public static ChildProcess Start(
        IReadOnlyList<string> commandLine, Stream ourStderr, ILogger logger, bool readsInline = true)
    {
        var startInfo = new ProcessStartInfo(commandLine[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (var argument in commandLine.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(startInfo)
                ?? throw new ChildStartException($"cannot start '{commandLine[0]}'.");
            return new ChildProcess(process, ourStderr, logger, readsInline);
        }
        catch (Win32Exception ex)
        {
            throw new ChildStartException(StartFailureText.Describe(commandLine[0], ex), ex);
        }
    }

    /// <summary>
    /// Call after closing the child's stdin. Returns the exit code, however the child had to be stopped.
    /// <paramref name="hurried"/> (a second stop signal) ends any wait and kills the tree at once: a client that
    /// signals twice kills the guard next, and the server must not outlive it.
    /// </summary>
    public async Task<int> StopAsync(ShutdownTimeouts timeouts, CancellationToken hurried = default)
    {
        if (await ExitsWithinAsync(timeouts.AfterStdinClosed, hurried))
        {
            return await Exited;
        }

        if (!OperatingSystem.IsWindows() && !hurried.IsCancellationRequested)
        {
            LogSendingSigterm(_logger, Id);
            _ = SendSigterm(Id, Sigterm);
            if (await ExitsWithinAsync(timeouts.AfterSigterm, hurried))
            {
                return await Exited;
            }
        }

        if (hurried.IsCancellationRequested)
        {
            LogHurried(_logger, Id);
        }
        else
        {
            LogKillingTree(_logger, Id);
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        return await Exited;
    }

    public void Dispose() => _process.Dispose();

    private async Task<bool> ExitsWithinAsync(TimeSpan timeout, CancellationToken hurried)
    {
        // A cancelled delay completes the WhenAny as a timeout would, without throwing.
        var finished = await Task.WhenAny(Exited, Task.Delay(timeout, hurried));
        return finished == Exited;
    }

    private async Task<int> WaitForExitCodeAsync()
    {
        await _process.WaitForExitAsync();
        await _stderrCopy;
        return _process.ExitCode;
    }

    private static async Task CopyStderrAsync(Stream childStderr, Stream ourStderr)
    {
        try
        {
            await childStderr.CopyToAsync(ourStderr);
            await ourStderr.FlushAsync();
        }
        catch (IOException)
        {
            // Our stderr is gone; the child's diagnostics have nowhere to go.
        }
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSigterm(int pid, int signal);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Server (pid {Pid}) did not exit after its stdin was closed; sending SIGTERM.")]
    private static partial void LogSendingSigterm(ILogger logger, int pid);

    [LoggerMessage(
        Level = LogLevel.Warning, Message = "Server (pid {Pid}) is still running; killing its process tree.")]
    private static partial void LogKillingTree(ILogger logger, int pid);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "A second stop signal: killing the process tree of server (pid {Pid}) without waiting.")]
    private static partial void LogHurried(ILogger logger, int pid);
}
