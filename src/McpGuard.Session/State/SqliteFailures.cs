using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// Which exceptions mean the SQLite store cannot serve (then a call meets <c>on_unavailable</c>, docs/limits.md),
/// and the one line that says why. SQLite's native library that cannot be loaded is one of them: it surfaces as a
/// type initializer's failure on first use, which would otherwise escape the store and leave the call unanswered.
/// </summary>
internal static class SqliteFailures
{
    public static bool IsStoreFailure(Exception ex) =>
        ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException
        || IsNativeLibraryMissing(ex);

    public static bool IsNativeLibraryMissing(Exception ex) =>
        ex.GetBaseException() is DllNotFoundException or EntryPointNotFoundException;

    public static string Reason(Exception ex) => IsNativeLibraryMissing(ex)
        ? "SQLite's native library (libe_sqlite3) cannot be loaded; it ships beside mcpguard (docs/install.md)"
        : ex.Message;
}
