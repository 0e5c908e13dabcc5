using McpGuard.State;

namespace McpGuard.Tests.State;

/// <summary>
/// SQLite's native library that cannot be loaded is a store failure (the call meets on_unavailable), reported in one
/// line; before, it escaped the store as a type initializer's failure and the call was never answered.
/// </summary>
public sealed class SqliteFailuresTests
{
    [Fact]
    public void NativeLibraryMissing_IsAStoreFailure_WithOneLineReason()
    {
        var missing = new TypeInitializationException("Microsoft.Data.Sqlite.SqliteConnection",
            new System.Reflection.TargetInvocationException(
                new DllNotFoundException("Unable to load shared library 'e_sqlite3'\n/x/libe_sqlite3.so: not found")));

        Assert.True(SqliteFailures.IsStoreFailure(missing));
        var reason = SqliteFailures.Reason(missing);
        Assert.Contains("libe_sqlite3", reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
    }

    [Fact]
    public void ProgrammingError_IsNotAStoreFailure()
    {
        Assert.False(SqliteFailures.IsStoreFailure(new InvalidOperationException("a bug")));
        Assert.False(SqliteFailures.IsStoreFailure(new TypeInitializationException("T", new ArgumentException("x"))));
    }

    [Theory]
    [InlineData("one", "one")]
    [InlineData("first\nsecond", "first")]
    [InlineData("first\r\nsecond", "first")]
    [InlineData("bell\u0007", "bell\\u0007")]
    public void FirstLine_KeepsTheFirstLinePrintable(string text, string expected) =>
        Assert.Equal(expected, TerminalText.FirstLine(text));
}
