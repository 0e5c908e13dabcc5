using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Pins;
using Microsoft.Extensions.Logging;

namespace McpGuard.Reload;

/// <summary>
/// Watches the policy file and swaps in each valid new version (docs/policy.md#hot-reload). Editors either rewrite
/// the file in place or rename a new file over it, so the folder is watched for both; bursts of events are
/// coalesced, and a half-written file is simply an invalid version: reported, ignored, the old policy stays.
/// With <c>pins:</c>, the lock file is part of the version: it is watched too, and a change to either file reloads
/// both together (docs/pins.md#reload).
/// </summary>
internal sealed partial class PolicyWatcher : IAsyncDisposable
{
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(150);

    private readonly string _path;
    private readonly PolicyEngine _engine;
    private readonly Func<bool, Task> _onReloaded;
    private readonly ILogger _logger;

    // The version the guard started with: what it read once (StartupOnlySettings) stays as this one has it.
    private readonly CompiledPolicy _startup;
    private readonly bool _serving;
    private readonly FileSystemWatcher _watcher;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private string _lastText;
    private string _lastLockText = "";
    private FileSystemWatcher? _lockWatcher;
    private string? _lockPath;
    private int _pending;

    // The file could not be read at the last reload (deleted, say): said once, until it can be read again.
    private bool _unreadable;

    // The reload a file event started, owned here: disposing waits for it, so no reload reaches a session that ended.
    private Task _settling = Task.CompletedTask;

    /// <param name="onReloaded">Called after a valid new version took effect, with whether hidden tools may have
    /// changed.</param>
    /// <param name="serving">Whether this guard is <c>serve</c>, which reads the policy's serve block once.</param>
    public PolicyWatcher(
        string path, PolicyEngine engine, Func<bool, Task> onReloaded, ILogger logger, bool serving = false)
    {
        _path = Path.GetFullPath(path);
        _engine = engine;
        _startup = engine.Policy;
        _serving = serving;
        _onReloaded = onReloaded;
        _logger = logger;
        _lastText = TryRead() ?? "";
        _watcher = Watch(_path);
        WatchLockFile(engine.Policy.Pins?.File);
        _lastLockText = _lockPath is null ? "" : TryRead(_lockPath) ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        _watcher.Dispose();
        _lockWatcher?.Dispose();
        await _disposed.CancelAsync();
        await _settling;
        _disposed.Dispose();
    }

    /// <summary>Reads and applies the file now; used by the watcher, and directly by tests.</summary>
    public async Task ReloadAsync()
    {
        await _reloading.WaitAsync();
        try
        {
            var text = TryRead();
            if (text is null)
            {
                if (!_unreadable)
                {
                    _unreadable = true;
                    LogUnreadable(_logger, _path, File.Exists(_path) ? "cannot be read" : "is gone");
                }

                return;
            }

            _unreadable = false;

            // The lock file is read once, by the loader, so the pins and the policy are one consistent version.
            var lockText = "";
            var loaded = PolicyLoader.LoadText(text, _path, file =>
            {
                if (TryRead(file) is not { } read)
                {
                    return LockFileReader.Read(file);
                }

                lockText = read;
                return LockFileReader.Parse(System.Text.Encoding.UTF8.GetBytes(read), file);
            });
            if (text == _lastText && lockText == _lastLockText)
            {
                return;
            }

            _lastText = text;
            _lastLockText = lockText;
            if (!loaded.Succeeded)
            {
                var count = loaded.Errors.Count;
                LogInvalid(_logger, _path, count == 1 ? "1 error" : $"{count} errors");
                foreach (var error in loaded.Errors)
                {
                    LogInvalidError(_logger, error.ToString());
                }

                return;
            }

            WatchLockFile(loaded.Policy.Pins?.File);

            var previous = _engine.Policy;
            var hiddenChanged = _engine.Reload(loaded.Policy);
            LogReloaded(_logger, _path, hiddenChanged);
            var kept = StartupOnlySettings.Changed(_startup, loaded.Policy, _serving);
            if (kept.Count > 0 && StartupOnlySettings.Changed(previous, loaded.Policy, _serving).Any(kept.Contains))
            {
                // Said when this version changed one of them, not again at each later edit of something else.
                LogKeptUntilRestart(_logger, string.Join(" and ", kept));
            }

            await _onReloaded(hiddenChanged);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        // Coalesce a burst (truncate + write + rename) into one reload after the file settles.
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        _settling = SettleThenReloadAsync();
    }

    private async Task SettleThenReloadAsync()
    {
        try
        {
            await Task.Delay(s_settle, _disposed.Token);
            Interlocked.Exchange(ref _pending, 0);
            await ReloadAsync();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            LogReloadFailed(_logger, ex);
        }
    }

    private FileSystemWatcher Watch(string path)
    {
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName
                | NotifyFilters.CreationTime,
        };
        watcher.Changed += OnFileEvent;
        watcher.Created += OnFileEvent;
        watcher.Renamed += OnFileEvent;
        watcher.Deleted += OnFileEvent;
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    /// <summary>Follows <c>pins.file</c>: a new version of the policy may name another lock file, or none.</summary>
    private void WatchLockFile(string? lockPath)
    {
        if (string.Equals(lockPath, _lockPath, StringComparison.Ordinal))
        {
            return;
        }

        _lockWatcher?.Dispose();
        _lockWatcher = lockPath is not null && Directory.Exists(Path.GetDirectoryName(lockPath))
            ? Watch(lockPath)
            : null;
        _lockPath = lockPath;
    }

    private string? TryRead() => TryRead(_path);

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "The new version of {Path} is invalid; the previous policy stays in force ({Errors}):")]
    private static partial void LogInvalid(ILogger logger, string path, string errors);

    // One log line per error: a log line never spans lines, so none can be mistaken for another record.
    [LoggerMessage(Level = LogLevel.Error, Message = "  {Error}")]
    private static partial void LogInvalidError(ILogger logger, string error);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "The policy file {Path} {Why}; the policy loaded last stays in force until a valid file is there "
            + "again.")]
    private static partial void LogUnreadable(ILogger logger, string path, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The policy's {Settings} changed; that takes effect only when "
        + "the guard starts again, and until then it keeps the settings it started with.")]
    private static partial void LogKeptUntilRestart(ILogger logger, string settings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded {Path} (hidden tools changed: {HiddenChanged}).")]
    private static partial void LogReloaded(ILogger logger, string path, bool hiddenChanged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the policy failed.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
