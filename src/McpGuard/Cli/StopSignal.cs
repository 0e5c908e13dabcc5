using System.Runtime.InteropServices;

namespace McpGuard.Cli;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP as a cancellation token, remembering which one came so <c>run</c> can exit 130, 143
/// or 129. The default handling (terminate at once) is cancelled: the child must be shut down first, and a request
/// in flight answered. SIGHUP is a hang-up (the terminal closed, a supervisor's stop), not a reload: the guard
/// reloads its policy by watching the file (docs/relay.md#shutdown). A second signal while that shutdown runs is
/// <see cref="Hurried"/>: the client will not wait (Claude Code sends SIGINT, SIGTERM 100 ms later, then SIGKILL).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hurried = new();
    private int _signals;
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
        ];
    }

    public CancellationToken Token => _stopping.Token;

    /// <summary>Cancelled by a second signal: the server's process tree is killed at once (docs/relay.md#lifecycle).
    /// </summary>
    public CancellationToken Hurried => _hurried.Token;

    /// <summary>130 after SIGINT, 143 after SIGTERM, 129 after SIGHUP, null while no signal came.</summary>
    public int? ExitCode { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stopping.Dispose();
        _hurried.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        ExitCode ??= context.Signal switch
        {
            PosixSignal.SIGINT => ExitCodes.Interrupted,
            PosixSignal.SIGHUP => ExitCodes.HungUp,
            _ => ExitCodes.Terminated,
        };
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _stopping.Cancel();
        }
        else
        {
            _hurried.Cancel();
        }
    }
}
