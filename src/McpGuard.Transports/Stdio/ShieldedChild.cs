using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace McpGuard.Stdio;

/// <summary>
/// The guarded server, restarted once if it dies of a modern client's first request. A 2025-only server on the
/// Python SDK 1.9.3 exits on any request before <c>initialize</c>, <c>server/discover</c> included, which is how a
/// 2026-07-28 client in auto mode opens. When the child dies while <see cref="FirstRequestShield"/> is armed, a new
/// child is started and the guard answers those requests with the error a 2025 server gives an unknown method, so
/// the client falls back to <c>initialize</c> on the same connection; until that reaches the new child, the guard
/// answers further modern requests the same way (<see cref="FallbackWindow"/>). Nothing is ever re-sent: the dead
/// child's requests are answered, not replayed. The session sees one stdin and one stdout throughout.
/// (docs/relay.md#a-2025-only-server-and-a-modern-client)
/// </summary>
internal sealed partial class ShieldedChild : IDisposable
{
    private readonly IReadOnlyList<string> _commandLine;
    private readonly Stream _stderr;
    private readonly ILogger _logger;
    private readonly bool _readsInline;
    private readonly TimeProvider _time;
    private readonly FirstRequestShield _shield = new();
    private readonly FallbackWindow _window = new();
    private readonly List<ChildProcess> _children = [];
    private ChildProcess _current;
    private TaskCompletionSource<ChildReplacement?> _replaced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ShieldedInput _input;
    private volatile bool _stopping;

    /// <summary>
    /// How long a modern request before any session may go unanswered before the child is poked. A live server answers
    /// <c>server/discover</c> in milliseconds; the SDK clients give up on it after 5 s (C#) or 60 s (TypeScript).
    /// </summary>
    private static readonly TimeSpan s_pokeAfter = TimeSpan.FromSeconds(1);

    private ShieldedChild(
        ChildProcess first,
        IReadOnlyList<string> commandLine,
        Stream stderr,
        ILogger logger,
        bool readsInline,
        TimeProvider time)
    {
        _readsInline = readsInline;
        _time = time;
        _commandLine = commandLine;
        _stderr = stderr;
        _logger = logger;
        _current = first;
        _children.Add(first);
        _input = new ShieldedInput(() => Volatile.Read(ref _current), _shield, _window, () => _stopping = true);
        StandardOutput = new ShieldedOutput(first, _replaced.Task, _shield, _window);
        Exited = WatchAsync();
        _ = PokeWhenSilentAsync();
        _ = ReleaseHeldAsync();
    }

    /// <summary>
    /// How long lines held for a child that was sent a modern request may wait for it to speak or die. The Python
    /// SDK 1.9.3 dies as soon as it reads (the poke is sent when the hold begins); this only bounds the wait for a
    /// server that ignores a request it does not know without a word, which then gets the lines as they are.
    /// </summary>
    public static TimeSpan HoldAtMost { get; } = TimeSpan.FromSeconds(15);

    public int Id => Volatile.Read(ref _current).Id;

    public Stream StandardInput => _input;

    public Stream StandardOutput { get; }

    /// <summary>Completes with the exit code of the last child, once no restart follows its exit.</summary>
    public Task<int> Exited { get; }

    /// <exception cref="ChildStartException">The command could not be started; the message names it.</exception>
    /// <param name="time">The clock of the poke and the hold (<see cref="HoldAtMost"/>); the system's unless a test
    /// moves a fake one.</param>
    public static ShieldedChild Start(
        IReadOnlyList<string> commandLine,
        Stream stderr,
        ILogger logger,
        bool readsInline = true,
        TimeProvider? time = null)
    {
        var first = ChildProcess.Start(commandLine, stderr, logger, readsInline);
        LogChildStarted(logger, Path.GetFileName(commandLine[0]), first.Id);
        return new(first, commandLine, stderr, logger, readsInline, time ?? TimeProvider.System);
    }

    /// <summary>Call after closing <see cref="StandardInput"/>; as <see cref="ChildProcess.StopAsync"/>.</summary>
    public Task<int> StopAsync(ShutdownTimeouts timeouts, CancellationToken hurried = default)
    {
        _stopping = true;
        return Volatile.Read(ref _current).StopAsync(timeouts, hurried);
    }

    public void Dispose()
    {
        foreach (var child in _children)
        {
            child.Dispose();
        }
    }

    private async Task<int> WatchAsync()
    {
        while (true)
        {
            var child = _current;
            var replaced = _replaced;
            var exitCode = await child.Exited;

            // Under the write lock: nothing is written to the dead child meanwhile, nor to the new one unfiltered.
            if (await _input.UnderLockAsync(() => Replace(child, exitCode)) is not { } replacement)
            {
                replaced.TrySetResult(null);
                return exitCode;
            }

            replaced.TrySetResult(replacement);
        }
    }

    /// <summary>
    /// Starts a new child in place of <paramref name="dead"/> when the shield says it died of a modern request before
    /// any session, and opens the window in which the guard answers modern requests in its place; null otherwise.
    /// </summary>
    private ChildReplacement? Replace(ChildProcess dead, int exitCode)
    {
        if (_stopping || _shield.TakeAnswers() is not { } answers || !TryStart(out var next))
        {
            return null;
        }

        LogRestarted(_logger, dead.Id, exitCode, next.Id);
        LogChildStarted(_logger, Path.GetFileName(_commandLine[0]), next.Id);
        _children.Add(next);
        var following = new TaskCompletionSource<ChildReplacement?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replaced = following;
        Volatile.Write(ref _current, next);
        _window.Open();
        SendHeld(next);
        return new ChildReplacement(next, answers, following.Task);
    }

    /// <summary>
    /// The lines held while the dead child's fate was open were meant for whichever child could take them: they
    /// go to the new one through the window (its <c>initialize</c> first), in order; under the write lock.
    /// </summary>
    private void SendHeld(ChildProcess next)
    {
        var passed = _window.Filter(_shield.TakeHeld().Span);
        if (passed.IsEmpty)
        {
            return;
        }

        try
        {
            next.StandardInput.Write(passed.Span);
            next.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The new child is gone already: its exit ends the session.
        }
    }

    /// <summary>
    /// Once lines are held, they go to the current child when it speaks, or as they are when it neither speaks nor
    /// dies in time; a restart takes them itself (<see cref="SendHeld"/>).
    /// </summary>
    private async Task ReleaseHeldAsync()
    {
        await Task.WhenAny(_shield.Holding, _shield.Disarmed);
        if (!_shield.Holding.IsCompleted)
        {
            return;
        }

        var settled = await Task.WhenAny(_shield.Disarmed, Task.Delay(HoldAtMost, _time));
        await _input.ReleaseHeldAsync(giveUp: settled != _shield.Disarmed);
    }

    /// <summary>
    /// The Python SDK 1.9.3 does not exit at once on a request before initialize: its session is dead and the
    /// process exits when it next reads a line, so without a poke it would hang the client until its timeout.
    /// </summary>
    private async Task PokeWhenSilentAsync()
    {
        await Task.WhenAny(_shield.ModernRequestSent, _shield.Disarmed);
        if (_shield.IsArmed)
        {
            // The client's 2025-era message after its modern request (held meanwhile) says it gave up waiting.
            await Task.WhenAny(_shield.Disarmed, _shield.Holding, Task.Delay(s_pokeAfter, _time));
        }

        await _input.PokeAsync(() => _shield.IsArmed && (!_stopping || _shield.HasHeld));
    }

    private bool TryStart([NotNullWhen(true)] out ChildProcess? next)
    {
        try
        {
            next = ChildProcess.Start(_commandLine, _stderr, _logger, _readsInline);
            return true;
        }
        catch (ChildStartException)
        {
            next = null;
            return false;
        }
    }

    // Every child started has this line, a restart's too: its "exited" line names a pid that was said started.
    [LoggerMessage(Level = LogLevel.Information, Message = "Started server {Command} (pid {Pid}).")]
    private static partial void LogChildStarted(ILogger logger, string command, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Server (pid {Pid}) exited with code {ExitCode} on the client's "
        + "2026-07-28 request before initialize, as a 2025-only server does; restarted it (pid {NewPid}) and answered "
        + "that request 'Method not found' so the client falls back to initialize.")]
    private static partial void LogRestarted(ILogger logger, int pid, int exitCode, int newPid);
}
