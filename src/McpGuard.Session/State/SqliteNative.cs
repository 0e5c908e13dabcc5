using System.Runtime.InteropServices;
using System.Text;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// The few calls of SQLite's C API that every decision makes per value, straight into the library the provider
/// loaded (e_sqlite3, beside the executable). Through SQLitePCLRaw each bind went through its provider interface,
/// the statement's SafeHandle and, for text, an encoding to a new array: about 320 instructions per integer and 830
/// per text (callgrind), 15 binds per counted call. A bind only copies a value into the statement: short, never
/// blocking, so the runtime's GC transition is left out; stepping can wait for the disk or a lock and keeps it.
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies the bytes before the bind returns.</summary>
    private static readonly nint s_transient = -1;

    /// <summary>SQLITE_CONFIG_MULTITHREAD: no mutex per connection (sqlite3.h).</summary>
    private const int ConfigMultiThread = 2;

    /// <summary>SQLITE_NULL, a column's type (sqlite3.h).</summary>
    private const int ColumnNull = 5;

    /// <summary>SQLITE_FCNTL_DATA_VERSION (sqlite3.h).</summary>
    private const int FcntlDataVersion = 35;

    private static int s_configured;

    /// <summary>
    /// Puts SQLite in multi-thread mode before the first connection of the process opens: a connection then takes
    /// no mutex in each call (bind, step, reset), about 4k of a lone counted call's ~108k instructions. Each of
    /// the guard's connections is used by one thread at a time (the store's one-transaction gate, the
    /// checkpointer's one task), which is all that mode asks. Once SQLite has started (something opened a
    /// connection first) the call is refused and SQLite stays serialized: slower, never wrong.
    /// </summary>
    public static void UseMultiThreadMode()
    {
        if (Interlocked.Exchange(ref s_configured, 1) == 0)
        {
            _ = sqlite3_config(ConfigMultiThread);
        }
    }

    public static int BindInt64(nint statement, int index, long value) => sqlite3_bind_int64(statement, index, value);

    /// <summary>Binds text as UTF-8, on the stack when short (the store's amounts are a few digits).</summary>
    public static int BindText(nint statement, int index, string text)
    {
        const int StackLimit = 256;
        var length = Encoding.UTF8.GetByteCount(text);
        Span<byte> bytes = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        Encoding.UTF8.GetBytes(text, bytes);
        fixed (byte* start = bytes)
        {
            return sqlite3_bind_text(statement, index, start, length, s_transient);
        }
    }

    /// <summary>
    /// Binds an amount as the text the store keeps (<see cref="SqliteAmountText"/>), without a string: a whole number
    /// as an integer, which the columns' TEXT affinity stores as the same digits, else UTF-8 from the stack.
    /// </summary>
    public static int BindAmount(nint statement, int index, StrictDecimal amount)
    {
        if (amount.Scale == 0 && SqliteAmountText.TryGetSmallMantissa(amount, out var whole))
        {
            return sqlite3_bind_int64(statement, index, whole);
        }

        Span<byte> text = stackalloc byte[SqliteAmountText.MaxLength];
        if (!SqliteAmountText.TryWrite(amount, text, out var length))
        {
            return BindText(statement, index, amount.ToString());
        }

        fixed (byte* start = text)
        {
            return sqlite3_bind_text(statement, index, start, length, s_transient);
        }
    }

    /// <summary>
    /// The main database's data version (SQLITE_FCNTL_DATA_VERSION): a field of the pager, no I/O; -1 when SQLite
    /// does not answer it.
    /// </summary>
    public static long DataVersion(nint db)
    {
        // No database name: the main one, without SQLite comparing names.
        uint version = 0;
        return sqlite3_file_control(db, null, FcntlDataVersion, &version) == 0 ? version : -1;
    }

    public static int Step(nint statement) => sqlite3_step(statement);

    public static long ColumnInt64(nint statement, int column) => sqlite3_column_int64(statement, column);

    /// <summary>Whether the current row's <paramref name="column"/> is NULL.</summary>
    public static bool ColumnIsNull(nint statement, int column) => sqlite3_column_type(statement, column) == ColumnNull;

    /// <summary>
    /// The current row's <paramref name="column"/> as UTF-8 text (SQLite converts a number to its digits), valid
    /// until the statement is stepped or reset; empty for NULL.
    /// </summary>
    public static ReadOnlySpan<byte> ColumnText(nint statement, int column)
    {
        // The text first, then its length: the order sqlite3.h asks for, as reading the text may convert the value.
        var text = sqlite3_column_text(statement, column);
        return text is null ? [] : new ReadOnlySpan<byte>(text, sqlite3_column_bytes(statement, column));
    }

    public static int Reset(nint statement) => sqlite3_reset(statement);

    /// <summary>
    /// Calls <paramref name="hook"/> after each commit of the connection, with the pages in its log (it replaces
    /// SQLite's auto-checkpoint, which the store turns off anyway).
    /// </summary>
    public static void SetWalHook(nint db, delegate* unmanaged<nint, nint, byte*, int, int> hook, nint state) =>
        sqlite3_wal_hook(db, hook, state);

    /// <summary>Variadic in C; the options used here take no argument after <paramref name="option"/>.</summary>
    [LibraryImport(Library)]
    private static partial int sqlite3_config(int option);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_bind_int64(nint statement, int index, long value);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_bind_text(nint statement, int index, byte* text, int length, nint destructor);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_file_control(nint db, byte* name, int option, void* argument);

    [LibraryImport(Library)]
    private static partial int sqlite3_step(nint statement);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial long sqlite3_column_int64(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_column_type(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial byte* sqlite3_column_text(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_column_bytes(nint statement, int column);

    [LibraryImport(Library)]
    private static partial int sqlite3_reset(nint statement);

    [LibraryImport(Library)]
    private static partial nint sqlite3_wal_hook(
        nint db, delegate* unmanaged<nint, nint, byte*, int, int> hook, nint state);
}
