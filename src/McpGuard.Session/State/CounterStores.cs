using McpGuard.Audit;
using McpGuard.Desk;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;

namespace McpGuard.State;

/// <summary>
/// Opens the store a policy's <c>state</c> block names (docs/limits.md). The caller disposes what it gets.
/// </summary>
internal static class CounterStores
{
    /// <summary>
    /// The default SQLite file: <c>$MCPGUARD_HOME/state.db</c> (<c>~/.mcpguard/state.db</c>), beside the desk's files.
    /// </summary>
    public static string DefaultSqlitePath => Path.Combine(DeskFiles.Home, "state.db");

    public static async Task<ICounterStore> OpenAsync(StateSettings settings, ILogger logger)
    {
        switch (settings.Store)
        {
            case StateStoreKind.Memory:
                return new MemoryCounterStore();
            case StateStoreKind.Redis:
                return await RedisCounterStore.ConnectAsync(settings.Url!, settings.Timeout, logger);
            default:
                var path = settings.Path is { } written
                    ? AuditPaths.Expand(written)
                    : Path.GetFullPath(DefaultSqlitePath);
                return new SqliteCounterStore(path, settings.Timeout, path);
        }
    }
}
