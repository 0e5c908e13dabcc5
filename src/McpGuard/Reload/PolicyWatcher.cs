using McpGuard.Policy;
using Microsoft.Extensions.Logging;

namespace McpGuard.Reload;

/// <summary>
/// Watches the policy file and swaps in each valid new version (docs/policy.md#hot-reload). Editors either rewrite
/// the file in place or rename a new file over it, so the folder is watched for both; bursts of events are
/// coalesced, and a half-written file is simply an invalid version: reported, ignored, the old policy stays.
/// </summary>
internal sealed partial class PolicyWatcher : IDisposable
{
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(150);

    private readonly string _path;
    private readonly PolicyEngine _engine;
    private readonly Func<bool, Task> _onReloaded;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private string _lastText;
    private int _pending;

    /// <param name="onReloaded">Called after a valid new version took effect, with whether hidden tools may have changed.</param>
    public PolicyWatcher(string path, PolicyEngine engine, Func<bool, Task> onReloaded, ILogger logger)
    {
        _path = Path.GetFullPath(path);
        _engine = engine;
        _onReloaded = onReloaded;
        _logger = logger;
        _lastText = TryRead() ?? "";
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    /// <summary>Reads and applies the file now; used by the watcher, and directly by tests.</summary>
    public async Task ReloadAsync()
    {
        await _reloading.WaitAsync();
        try
        {
            var text = TryRead();
            if (text is null || text == _lastText)
            {
                return;
            }

            _lastText = text;
            var loaded = PolicyLoader.LoadText(text, _path);
            if (!loaded.Succeeded)
            {
                LogInvalid(_logger, _path, string.Join(Environment.NewLine, loaded.Errors));
                return;
            }

            var hiddenChanged = _engine.Reload(loaded.Policy!);
            LogReloaded(_logger, _path, hiddenChanged);
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

        _ = Task.Run(async () =>
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
        });
    }

    private string? TryRead()
    {
        try
        {
            return File.ReadAllText(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The new version of {Path} is invalid; the previous policy stays in force:\n{Errors}")]
    private static partial void LogInvalid(ILogger logger, string path, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded {Path} (hidden tools changed: {HiddenChanged}).")]
    private static partial void LogReloaded(ILogger logger, string path, bool hiddenChanged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the policy failed.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
