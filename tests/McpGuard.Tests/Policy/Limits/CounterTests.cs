using McpGuard.Policy;
using McpGuard.Policy.Limits;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;
using static McpGuard.Tests.Policy.PolicyTestData;

namespace McpGuard.Tests.Policy.Limits;

/// <summary>
/// Counter identity, <c>per</c>, <c>scope</c>, give-back and an unreachable store, over the engine's API.
/// </summary>
public sealed class CounterTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private const string Budget = "version: 1\ndefault: allow\ntools:\n  place_order:\n"
        + "    budget: { argument: qty, max: 0.5, window: 24h }\n    action: allow\n";

    private const string Silent = "version: 1\ndefault: allow\nstate:\n  timeout: 200ms\ntools:\n  t:\n"
        + "    rate_limit: { max: 5, window: 1h }\n    action: allow\n";

    [Fact]
    public void Reload_MaxRewrittenAs050_KeepsTheDaysBudget()
    {
        // Issue 12: counters were keyed by the budget's text, so this cosmetic edit started a 24 h budget afresh.
        var engine = new PolicyEngine(Load(Budget), new FakeTimeProvider(s_start));
        Assert.True(engine.Consume(Call("place_order", """{"qty":"0.5"}""")).IsAllowed);

        engine.Reload(Load(Budget.Replace("max: 0.5", "max: 0.50", StringComparison.Ordinal)));

        var refused = engine.Consume(Call("place_order", """{"qty":"0.01"}"""));
        Assert.False(refused.IsAllowed);
        Assert.Contains("would be exceeded", refused.Reason);
    }

    /// <summary>
    /// A call whose amount alone is over the budget's max can never fit: its reason says so, not "retry after" a
    /// window (the model would wait a day and try the same call again).
    /// </summary>
    [Fact]
    public void Consume_AmountAloneOverTheMax_SaysItCanNeverFitWithoutARetryTime()
    {
        var engine = new PolicyEngine(Load(Budget), new FakeTimeProvider(s_start));

        var refused = engine.Consume(Call("place_order", """{"qty":"0.6"}"""));

        Assert.False(refused.IsAllowed);
        Assert.Equal(
            "budget of sum of qty <= 0.5 per 1d for place_order: this call's qty alone is more than 0.5, "
                + "so it can never be allowed; a smaller qty may be.",
            refused.Reason);
    }

    [Fact]
    public void Reload_WindowChanged_StartsANewCounter()
    {
        var engine = new PolicyEngine(Load(Budget), new FakeTimeProvider(s_start));
        Assert.True(engine.Consume(Call("place_order", """{"qty":"0.5"}""")).IsAllowed);

        engine.Reload(Load(Budget.Replace("window: 24h", "window: 12h", StringComparison.Ordinal)));

        Assert.True(engine.Consume(Call("place_order", """{"qty":"0.5"}""")).IsAllowed);
    }

    [Fact]
    public void Consume_PerSymbol_CountsEachValueApartAndNumbersByValue()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n    budget: { argument: qty, max: 1, window: 1h,"
                    + " per: symbol }\n    rate_limit: { max: 2, window: 1h, per: account }\n    action: allow\n"));

        Assert.True(engine.Consume(Call("t", """{"symbol":"BTCUSDT","account":1,"qty":"1"}""")).IsAllowed);
        Assert.True(engine.Consume(Call("t", """{"symbol":"ETHUSDT","account":"1.0","qty":"1"}""")).IsAllowed);

        var sameSymbol = engine.Consume(Call("t", """{"symbol":"BTCUSDT","account":2,"qty":"0.1"}"""));
        Assert.False(sameSymbol.IsAllowed);
        Assert.Contains("per symbol", sameSymbol.Reason);

        // account 1 and "1.0" are one counter, which is full; account 2 is not.
        Assert.False(engine.Consume(Call("t", """{"symbol":"SOLUSDT","account":"1","qty":"0.1"}""")).IsAllowed);
        Assert.True(engine.Consume(Call("t", """{"symbol":"SOLUSDT","account":2,"qty":"0.1"}""")).IsAllowed);
    }

    [Theory]
    [InlineData("""{"qty":"0.1"}""")]
    [InlineData("""{"qty":"0.1","symbol":{"a":1}}""")]
    [InlineData("""{"qty":"0.1","symbol":null}""")]
    public void Consume_PerValueMissingOrNotAScalar_FailsClosedNamingTheArgument(string arguments)
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n"
                    + "    budget: { argument: qty, max: 1, window: 1h, per: symbol }\n    action: allow\n"));

        var outcome = Assert.IsType<LimitOutcome.Refused>(engine.ConsumeOutcome(Call("t", arguments)));

        Assert.Equal(LimitScope.Entry, outcome.Refusal.Scope);
        Assert.Null(outcome.Refusal.RetryAfter);
        Assert.Contains("'symbol'", outcome.Refusal.Reason);
        Assert.Equal("tools.t", outcome.Decision.RuleId);
    }

    [Fact]
    public void Consume_PerValueTooLong_FailsClosed()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n"
                    + "    rate_limit: { max: 1, window: 1h, per: symbol }\n    action: allow\n"));

        Assert.False(engine.Consume(Call("t", $$"""{"symbol":"{{new string('x', 257)}}"}""")).IsAllowed);
        Assert.True(engine.Consume(Call("t", $$"""{"symbol":"{{new string('x', 256)}}"}""")).IsAllowed);
    }

    [Fact]
    public void Consume_BudgetPerAgentOrPerValue_NotOneCounterForEveryCall()
    {
        // A budget without per or scope: agent has one counter for every call, made once (FixedBudgets); these two
        // must still count each agent and each symbol apart.
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  a:\n    budget: { argument: qty, max: 1, window: 1h,"
                    + " scope: agent }\n    action: allow\n  s:\n"
                    + "    budget: { argument: qty, max: 1, window: 1h, per: symbol }\n    action: allow\n"));

        Assert.True(engine.Consume(Call("a", """{"qty":"1"}""") with { Agent = "alice" }).IsAllowed);
        Assert.True(engine.Consume(Call("a", """{"qty":"1"}""") with { Agent = "bob" }).IsAllowed);
        Assert.False(engine.Consume(Call("a", """{"qty":"0.1"}""") with { Agent = "alice" }).IsAllowed);
        Assert.True(engine.Consume(Call("s", """{"qty":"1","symbol":"BTCUSDT"}""")).IsAllowed);
        Assert.True(engine.Consume(Call("s", """{"qty":"1","symbol":"ETHUSDT"}""")).IsAllowed);
        Assert.False(engine.Consume(Call("s", """{"qty":"0.1","symbol":"BTCUSDT"}""")).IsAllowed);
    }

    [Fact]
    public void Consume_NegativeBudgetAmount_FailsClosedInsteadOfMakingRoom()
    {
        var engine = new PolicyEngine(Load(Budget));

        Assert.False(engine.Consume(Call("place_order", """{"qty":"-5"}""")).IsAllowed);
        Assert.True(engine.Consume(Call("place_order", """{"qty":"0.5"}""")).IsAllowed);
        Assert.False(engine.Consume(Call("place_order", """{"qty":"0.01"}""")).IsAllowed);
    }

    [Fact]
    public void Consume_Refused_IsARecordWithScopeAndRetryAfter()
    {
        var clock = new FakeTimeProvider(s_start);
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\nlimits:\n  rate_limit: { max: 1, window: 60s }\n"
                    + "tools:\n  t:\n    rate_limit: { max: 5, window: 60s }\n    action: allow\n"),
            clock);
        Assert.True(engine.Consume(Call("t")).IsAllowed);
        clock.Advance(TimeSpan.FromSeconds(15));

        var outcome = Assert.IsType<LimitOutcome.Refused>(engine.ConsumeOutcome(Call("t")));

        Assert.Equal(LimitScope.Global, outcome.Refusal.Scope);
        Assert.Equal(TimeSpan.FromSeconds(45), outcome.Refusal.RetryAfter);
        Assert.Equal("limits", outcome.Decision.RuleId);
        Assert.Contains("global rate limit", outcome.Refusal.Reason);
    }

    [Fact]
    public async Task GiveBack_CountedCall_FreesItsCountAndAmount()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n    rate_limit: { max: 1, window: 1h }\n"
                    + "    budget: { argument: qty, max: 1, window: 1h }\n    action: allow\n"));
        var counted = Assert.IsType<LimitOutcome.Counted>(engine.ConsumeOutcome(Call("t", """{"qty":"0.7"}""")));
        Assert.False(engine.Consume(Call("t", """{"qty":"0.1"}""")).IsAllowed);

        Assert.True(await engine.GiveBackAsync(counted.Receipt, TestContext.Current.CancellationToken));

        Assert.True(engine.Consume(Call("t", """{"qty":"1"}""")).IsAllowed);
    }

    [Fact]
    public void Consume_SessionScope_CountsInThisEngineOnlyAndNotInTheStore()
    {
        var store = new MemoryCounterStore();
        const string yaml = "version: 1\ndefault: allow\ntools:\n  t:\n"
            + "    rate_limit: { max: 1, window: 1h, scope: session }\n    action: allow\n";
        var first = new PolicyEngine(Load(yaml), counters: store);
        var second = new PolicyEngine(Load(yaml), counters: store);

        Assert.True(first.Consume(Call("t")).IsAllowed);
        Assert.False(first.Consume(Call("t")).IsAllowed);
        Assert.True(second.Consume(Call("t")).IsAllowed);
        Assert.Equal(0, store.CounterCount);
    }

    [Fact]
    public void Consume_AgentScope_OneCounterPerAgentInTheStore()
    {
        var store = new MemoryCounterStore();
        const string yaml = "version: 1\ndefault: allow\ntools:\n  t:\n"
            + "    rate_limit: { max: 1, window: 1h, scope: agent }\n    action: allow\n";
        var first = new PolicyEngine(Load(yaml), counters: store);
        var second = new PolicyEngine(Load(yaml), counters: store);

        Assert.True(first.Consume(Call("t") with { Agent = "alice" }).IsAllowed);
        Assert.True(first.Consume(Call("t") with { Agent = "bob" }).IsAllowed);
        var refused = second.Consume(Call("t") with { Agent = "alice" });
        Assert.False(refused.IsAllowed);
        Assert.Contains("rate limit of 1 per 1h for t for this agent reached", refused.Reason);
        Assert.False(second.Consume(Call("t") with { Agent = "bob" }).IsAllowed);
        Assert.Equal(2, store.CounterCount);
    }

    [Fact]
    public void Consume_AgentScopeBesideShared_TheSharedLimitStillCountsEveryAgent()
    {
        var engine = new PolicyEngine(Load(
            "version: 1\ndefault: allow\nlimits:\n  rate_limit: { max: 3, window: 1h }\ntools:\n"
                + "  t:\n    rate_limit: { max: 2, window: 1h, scope: agent }\n    action: allow\n"));

        Assert.True(engine.Consume(Call("t") with { Agent = "alice" }).IsAllowed);
        Assert.True(engine.Consume(Call("t") with { Agent = "alice" }).IsAllowed);
        Assert.False(engine.Consume(Call("t") with { Agent = "alice" }).IsAllowed);
        Assert.True(engine.Consume(Call("t") with { Agent = "bob" }).IsAllowed);
        var global = engine.Consume(Call("t") with { Agent = "carol" });
        Assert.False(global.IsAllowed);
        Assert.Contains("global rate limit", global.Reason);
    }

    [Fact]
    public void Consume_SharedStore_CountsAcrossEngines()
    {
        var store = new MemoryCounterStore();
        var first = new PolicyEngine(Load(Budget), counters: store);
        var second = new PolicyEngine(Load(Budget), counters: store);

        Assert.True(first.Consume(Call("place_order", """{"qty":"0.3"}""")).IsAllowed);
        Assert.False(second.Consume(Call("place_order", """{"qty":"0.3"}""")).IsAllowed);
        Assert.True(second.Consume(Call("place_order", """{"qty":"0.2"}""")).IsAllowed);
    }

    [Fact]
    public void Consume_StoreUnavailable_DeniesNamingTheStoreAndGivesTheSessionCountBack()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\nlimits:\n  rate_limit: { max: 1, window: 1h, scope: session }\n"
                    + "tools:\n  t:\n    rate_limit: { max: 5, window: 1h }\n    action: allow\n"),
            counters: new UnavailableStore());

        var outcome = Assert.IsType<LimitOutcome.Refused>(engine.ConsumeOutcome(Call("t")));

        Assert.Equal(LimitScope.Store, outcome.Refusal.Scope);
        Assert.Equal("state", outcome.Decision.RuleId);
        Assert.Contains("the test store cannot be reached (connection refused)", outcome.Refusal.Detail);
        Assert.Equal(outcome.Refusal.Detail, outcome.Decision.Detail);

        // The model reads the reason: no store name, no client diagnostic.
        Assert.Equal(
            "the limits of this call cannot be counted right now (the "
                + "guard's counter store is unavailable), so it is refused; "
                + "calls without limits still work.",
            outcome.Refusal.Reason);
        Assert.IsType<LimitOutcome.Refused>(engine.ConsumeOutcome(Call("t")));
        Assert.Contains("cannot be reached", engine.Consume(Call("t")).Detail);
    }

    [Fact]
    public void Consume_StoreUnavailableWithOnUnavailableAllow_ForwardsUncountedAndSaysSo()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\nstate:\n  on_unavailable: allow\ntools:\n"
                    + "  t:\n    rate_limit: { max: 1, window: 1h }\n    action: allow\n"),
            counters: new UnavailableStore());

        var outcome = Assert.IsType<LimitOutcome.Uncounted>(engine.ConsumeOutcome(Call("t")));

        Assert.True(outcome.Decision.IsAllowed);
        Assert.Contains("forwarded uncounted", outcome.Why);
        Assert.Contains("the test store", outcome.Decision.Reason);
    }

    [Fact]
    public async Task Consume_StoreThatNeverAnswers_TimesOutAsUnavailable_AndCallsWithoutLimitsNeverTouchIt()
    {
        var store = new SilentStore();
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\nstate:\n  timeout: 200ms\ntools:\n  t:\n"
                    + "    rate_limit: { max: 1, window: 1h }\n    action: allow\n  free: allow\n"),
            counters: store);

        var counted = engine.TryConsumeAsync(Call("t"), TestContext.Current.CancellationToken);
        Assert.True(engine.Consume(Call("free")).IsAllowed);
        Assert.Equal(1, store.Asked);

        var outcome = Assert.IsType<LimitOutcome.Refused>(await counted);
        Assert.Contains("no answer within 200ms", outcome.Refusal.Detail);
    }

    [Fact]
    public async Task Consume_CountsOfOneSlice_ShareTheTimeoutAndWaitAtLeastIt()
    {
        var clock = new FakeTimeProvider(s_start);
        var store = new SilentStore();
        var engine = new PolicyEngine(Load(Silent), clock, store);
        var token = TestContext.Current.CancellationToken;

        var first = engine.TryConsumeAsync(Call("t"), token).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var second = engine.TryConsumeAsync(Call("t"), token).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(200));

        // 205 ms after the first count started, 200 ms after the second: the slice gives up 200 ms after it ends.
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        foreach (var counted in new[] { first, second })
        {
            var outcome = Assert.IsType<LimitOutcome.Refused>(await counted);
            Assert.Contains("no answer within 200ms", outcome.Refusal.Detail);
        }

        // A count that starts after the slice ended gets a slice of its own.
        var third = engine.TryConsumeAsync(Call("t"), token).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(third.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(11));
        Assert.IsType<LimitOutcome.Refused>(await third);
        Assert.Equal(3, store.Asked);
    }

    [Fact]
    public async Task Consume_CallerCancelsOrUsesAnotherToken_TheSliceDoesNotOutliveIt()
    {
        var clock = new FakeTimeProvider(s_start);
        var engine = new PolicyEngine(Load(Silent), clock, new SilentStore());
        using var stopping = new CancellationTokenSource();
        using var otherCaller = new CancellationTokenSource();

        var stopped = engine.TryConsumeAsync(Call("t"), stopping.Token).AsTask();
        var other = engine.TryConsumeAsync(Call("t"), otherCaller.Token).AsTask();
        await stopping.CancelAsync();

        // Another caller's count starts a slice of its own, which the first caller's cancellation leaves alone.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped);
        Assert.False(other.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(210));
        Assert.IsType<LimitOutcome.Refused>(await other);
    }

    /// <summary>A store whose connection is refused.</summary>
    private sealed class UnavailableStore : ICounterStore
    {
        public string Description => "the test store";

        public ValueTask<CountOutcome> TryCountAsync(
            IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken) =>
            new(new CountOutcome.Unavailable("connection refused"));

        public ValueTask<CountOutcome> CheckAsync(
            IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken) =>
            new(new CountOutcome.Unavailable("connection refused"));

        public ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken) => new(false);

        public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
            string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new CounterStoreException("connection refused");

        public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken) =>
            throw new CounterStoreException("connection refused");
    }

    /// <summary>A store that takes every request and never answers (until cancelled).</summary>
    private sealed class SilentStore : ICounterStore
    {
        private int _asked;

        public int Asked => _asked;

        public string Description => "the silent store";

        public async ValueTask<CountOutcome> TryCountAsync(
            IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _asked);
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public async ValueTask<CountOutcome> CheckAsync(
            IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
        {
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken) => new(false);

        public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
            string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken) =>
            new([]);

        public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken) =>
            new(0);
    }
}
