using System.Globalization;
using System.Numerics;
using System.Text;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Data.Sqlite;

namespace McpGuard.Tests.State;

/// <summary>
/// The SQLite store binds amounts without strings (whole numbers as integers, the rest as UTF-8 from the stack);
/// the file must still hold exactly the text <see cref="StrictDecimal.ToString"/> writes, which older guards and
/// <c>mcpguard limits</c> read.
/// </summary>
public sealed class SqliteAmountTextTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    [InlineData("-7")]
    [InlineData("0.005")]
    [InlineData("0.010")]
    [InlineData("-0.5")]
    [InlineData("123.450")]
    [InlineData("0.000000000000000001")]
    [InlineData("999999999999999999")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775808")]
    [InlineData("922337203685477580.7")]
    public void TryWrite_WritesWhatToStringWrites(string text)
    {
        Assert.True(StrictDecimal.TryParseStrict(text, out var amount));
        var buffer = new byte[SqliteAmountText.MaxLength];

        Assert.True(SqliteAmountText.TryWrite(amount, buffer, out var written));

        Assert.Equal(amount.ToString(), Encoding.UTF8.GetString(buffer, 0, written));
        Assert.Equal(text, amount.ToString());
    }

    [Fact]
    public void TryWrite_MantissaBeyondALongOrScaleBeyondEighteen_LeavesItToToString()
    {
        var buffer = new byte[SqliteAmountText.MaxLength];
        var beyondALong = BigInteger.Parse("9223372036854775808", CultureInfo.InvariantCulture);

        Assert.False(SqliteAmountText.TryWrite(new StrictDecimal(beyondALong, 0), buffer, out _));
        Assert.False(SqliteAmountText.TryWrite(new StrictDecimal(5, 19), buffer, out _));
    }

    [Fact]
    public async Task TryCount_WholeAndDecimalAmounts_TheFileHoldsTheirText()
    {
        using var directory = new TempDirectory();
        var path = directory.File("state.db");
        var store = new SqliteCounterStore(path, TimeSpan.FromSeconds(10), path);
        try
        {
            var start = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
            var rate = new CounterDemand(
                new CounterId("ns", "tools.rate", CounterKind.Rate, TimeSpan.FromHours(1), []),
                StrictDecimal.One, new StrictDecimal(10, 0));
            Assert.True(StrictDecimal.TryParseStrict("0.005", out var qty));
            var budget = new CounterDemand(
                new CounterId("ns", "tools.budget", CounterKind.Budget, TimeSpan.FromDays(1), []),
                qty, new StrictDecimal(10, 0));
            for (var i = 0; i < 2; i++)
            {
                Assert.IsType<CountOutcome.Counted>(
                    await store.TryCountAsync([rate, budget], start, TestContext.Current.CancellationToken));
            }
        }
        finally
        {
            await store.DisposeAsync();
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.entry, b.amount, typeof(b.amount), b.total, typeof(b.total)
            FROM limit_heads b JOIN limit_ids c ON c.id = b.counter ORDER BY c.entry
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join(' ', Enumerable.Range(0, 5).Select(reader.GetString)));
        }

        Assert.Equal(["tools.budget 0.010 text 0.010 text", "tools.rate 2 text 2 text"], rows);
    }
}
