using System.Collections.Immutable;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;

namespace McpGuard.Tests.State;

/// <summary>
/// What every counter store must do, run against each (memory, SQLite, Redis): two handles on one store (two
/// guards) count as one; a decision counts in all its counters or in none; give-back and exact decimals.
/// </summary>
public abstract class CounterStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A handle on the store under test; each call is a new one (another guard) on the same data.</summary>
    private protected abstract Task<ICounterStore> OpenAsync();

    public ValueTask InitializeAsync() => SetUpAsync();

    public async ValueTask DisposeAsync()
    {
        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask SetUpAsync() => ValueTask.CompletedTask;

    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    private protected static CounterDemand Rate(string entry, int max, params string[] per) =>
        new(
            new CounterId("ns", entry, CounterKind.Rate, TimeSpan.FromHours(1), [.. per]), StrictDecimal.One,
            new StrictDecimal(max, 0));

    private protected static CounterDemand Budget(string entry, string amount, string max) =>
        new(
            new CounterId("ns", entry, CounterKind.Budget, TimeSpan.FromDays(1), ImmutableArray<string>.Empty),
            Parse(amount), Parse(max));

    private protected static StrictDecimal Parse(string text) =>
        StrictDecimal.TryParseStrict(text, out var value) ? value : throw new ArgumentException(text);

    private protected static async Task DisposeStoreAsync(ICounterStore store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryCount_TwoHandlesBurstingTwentyFiveEach_CountExactlyMax()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        try
        {
            var calls = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
                await (i % 2 == 0 ? first : second).TryCountAsync(
                    [Rate("tools.t", 2)], Start, Ct) is CountOutcome.Counted,
                Ct));

            var counted = await Task.WhenAll(calls);

            Assert.Equal(2, counted.Count(c => c));
        }
        finally
        {
            await DisposeStoreAsync(first);
            await DisposeStoreAsync(second);
        }
    }

    [Fact]
    public async Task TryCount_RefusedByOneDemand_CountsInNone()
    {
        var store = await OpenAsync();
        try
        {
            var refused = Assert.IsType<CountOutcome.Refused>(
                await store.TryCountAsync([Rate("tools.t", 5), Budget("tools.t", "2", "1")], Start, Ct));
            Assert.Equal(1, refused.Index);

            for (var i = 0; i < 5; i++)
            {
                Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Rate("tools.t", 5)], Start, Ct));
            }

            Assert.IsType<CountOutcome.Refused>(await store.TryCountAsync([Rate("tools.t", 5)], Start, Ct));
        }
        finally
        {
            await DisposeStoreAsync(store);
        }
    }

    [Fact]
    public async Task Check_CountsNothing_AndRefusesWhatACountWouldRefuse()
    {
        // Asked before a person is asked about a call (docs/approval.md): it must never use up a limit itself.
        var store = await OpenAsync();
        var other = await OpenAsync();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.IsType<CountOutcome.Fits>(await store.CheckAsync([Rate("tools.k", 2)], Start, Ct));
            }

            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Rate("tools.k", 2)], Start, Ct));
            Assert.IsType<CountOutcome.Counted>(await other.TryCountAsync([Rate("tools.k", 2)], Start, Ct));

            var refused = Assert.IsType<CountOutcome.Refused>(
                await store.CheckAsync([Budget("tools.k", "0.1", "1"), Rate("tools.k", 2)], Start, Ct));
            Assert.Equal(1, refused.Index);
            Assert.InRange(refused.RetryAfter, TimeSpan.FromTicks(1), TimeSpan.FromHours(1));
            Assert.IsType<CountOutcome.Refused>(await store.CheckAsync([Budget("tools.k", "2", "1")], Start, Ct));
        }
        finally
        {
            await DisposeStoreAsync(store);
            await DisposeStoreAsync(other);
        }
    }

    [Fact]
    public async Task TryCount_Budget_SumsDecimalsExactly()
    {
        var store = await OpenAsync();
        try
        {
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([Budget("tools.b", "0.1", "0.3")], Start, Ct));
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([Budget("tools.b", "0.2", "0.3")], Start, Ct));
            Assert.IsType<CountOutcome.Refused>(
                await store.TryCountAsync([Budget("tools.b", "0.0000000000000000001", "0.3")], Start, Ct));
            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Budget("tools.b", "0", "0.3")], Start, Ct));

            var reading = Assert.Single(await store.ReadAsync("ns", Start, Ct));
            Assert.Equal(0, reading.Used.CompareTo(Parse("0.3")));
        }
        finally
        {
            await DisposeStoreAsync(store);
        }
    }

    [Fact]
    public async Task GiveBack_Receipt_FreesWhatItCounted()
    {
        var store = await OpenAsync();
        try
        {
            var counted = Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([Rate("tools.g", 1), Budget("tools.g", "0.75", "1")], Start, Ct));
            Assert.IsType<CountOutcome.Refused>(await store.TryCountAsync([Rate("tools.g", 1)], Start, Ct));

            Assert.True(await store.GiveBackAsync(counted.Receipt, Ct));

            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([Rate("tools.g", 1), Budget("tools.g", "1", "1")], Start, Ct));
        }
        finally
        {
            await DisposeStoreAsync(store);
        }
    }

    [Fact]
    public async Task TryCount_PerValues_AreIndependentCounters()
    {
        var store = await OpenAsync();
        try
        {
            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Rate("tools.p", 1, "BTCUSDT")], Start, Ct));
            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Rate("tools.p", 1, "ETHUSDT")], Start, Ct));
            Assert.IsType<CountOutcome.Refused>(await store.TryCountAsync([Rate("tools.p", 1, "BTCUSDT")], Start, Ct));

            var readings = await store.ReadAsync("ns", Start, Ct);
            Assert.Equal(
                ["BTCUSDT", "ETHUSDT"],
                readings.Select(r => Assert.Single(r.Counter.Per)).Order(StringComparer.Ordinal));
        }
        finally
        {
            await DisposeStoreAsync(store);
        }
    }

    [Fact]
    public async Task Reset_Entry_ClearsItsCountersOnly()
    {
        var store = await OpenAsync();
        try
        {
            await store.TryCountAsync([Rate("tools.r", 1, "a")], Start, Ct);
            await store.TryCountAsync([Rate("tools.r", 1, "b")], Start, Ct);
            await store.TryCountAsync([Rate("tools.keep", 1)], Start, Ct);

            Assert.Equal(2, await store.ResetAsync("ns", "tools.r", Ct));

            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Rate("tools.r", 1, "a")], Start, Ct));
            Assert.IsType<CountOutcome.Refused>(await store.TryCountAsync([Rate("tools.keep", 1)], Start, Ct));
            Assert.Empty(await store.ReadAsync("another namespace", Start, Ct));
        }
        finally
        {
            await DisposeStoreAsync(store);
        }
    }
}
