using McpGuard.Policy;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Policy.PolicyTestData;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Policy.Limits;

public sealed class LimitTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Consume_SlidingWindow_RefusesWithRetryAfterThenFreesUp()
    {
        var clock = new FakeTimeProvider(s_start);
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n"
                    + "    rate_limit: { max: 2, window: 60s }\n    action: allow\n"),
            clock);

        Assert.True(engine.Consume(Call("t")).IsAllowed);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(engine.Consume(Call("t")).IsAllowed);
        var refused = engine.Consume(Call("t"));
        Assert.False(refused.IsAllowed);
        Assert.Contains("retry after 40s", refused.Reason);

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.True(engine.Consume(Call("t")).IsAllowed);
        Assert.False(engine.Consume(Call("t")).IsAllowed);
    }

    [Fact]
    public async Task Consume_BurstOfFifty_ForwardsExactlyTwo()
    {
        var engine = new PolicyEngine(
            Load("version: 1\ndefault: allow\ntools:\n  t:\n    rate_limit: 2/minute\n    action: allow\n"));
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(() =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            return engine.Consume(Call("t")).IsAllowed;
        }, TestContext.Current.CancellationToken)).ToList();
        start.Set();

        Assert.Equal(2, (await Task.WhenAll(attempts)).Count(allowed => allowed));
    }

    [Fact]
    public void Consume_GlobEntry_SharesOneCounter()
    {
        var engine = new PolicyEngine(
            Load("version: 1\ndefault: allow\ntools:\n  'get_*':\n    rate_limit: 2/minute\n    action: allow\n"));

        Assert.True(engine.Consume(Call("get_a")).IsAllowed);
        Assert.True(engine.Consume(Call("get_b")).IsAllowed);
        Assert.False(engine.Consume(Call("get_c")).IsAllowed);
    }

    [Fact]
    public void Consume_GlobalLimit_CountsEveryTool()
    {
        var engine = new PolicyEngine(
            Load("version: 1\ndefault: allow\nlimits:\n  rate_limit: { max: 2, window: 1m }\n"));

        Assert.True(engine.Consume(Call("a")).IsAllowed);
        Assert.True(engine.Consume(Call("b")).IsAllowed);
        Assert.Contains("global rate limit", engine.Consume(Call("c")).Reason);
    }

    [Fact]
    public void Consume_Budget_SumsTheArgumentExactlyWithinTheWindow()
    {
        var clock = new FakeTimeProvider(s_start);
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n"
                    + "    budget: { argument: qty, max: 0.3, window: 24h }\n    action: allow\n"),
            clock);

        Assert.True(engine.Consume(Call("t", """{"qty":"0.1"}""")).IsAllowed);
        Assert.True(engine.Consume(Call("t", """{"qty":0.2}""")).IsAllowed);
        var over = engine.Consume(Call("t", """{"qty":"0.0000000000000000001"}"""));
        Assert.False(over.IsAllowed);
        Assert.Contains("budget", over.Reason);
        Assert.False(engine.Consume(Call("t", """{"qty":"1e-9"}""")).IsAllowed);

        clock.Advance(TimeSpan.FromHours(24));
        Assert.True(engine.Consume(Call("t", """{"qty":"0.3"}""")).IsAllowed);
    }

    [Fact]
    public void Consume_RefusedByOneLimit_CountsInNone()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\nlimits:\n  rate_limit: 5/minute\ntools:\n  t:\n"
                    + "    budget: { argument: qty, max: 1, window: 1h }\n    action: allow\n"));

        Assert.False(engine.Consume(Call("t", """{"qty":"2"}""")).IsAllowed);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(engine.Consume(Call("other")).IsAllowed);
        }
    }

    [Fact]
    public void Reload_MaxRaised_KeepsTheCountAndAllowsOnlyTheDifference()
    {
        // Counters are found by identity (entry, kind, window), not by the limit's text: b's count of 1 is kept
        // and its new max of 2 lets exactly one more through.
        const string before = "version: 1\ndefault: allow\ntools:\n  a:\n    rate_limit: 1/minute\n"
            + "    action: allow\n  b:\n    rate_limit: 1/minute\n    action: allow\n";
        const string after = "version: 1\ndefault: allow\nhide: [x]\ntools:\n  a:\n    rate_limit: 1/minute\n"
            + "    action: allow\n  b:\n    rate_limit: 2/minute\n    action: allow\n";
        var engine = new PolicyEngine(Load(before));
        engine.Consume(Call("a"));
        engine.Consume(Call("b"));

        Assert.True(engine.Reload(Load(after)));

        Assert.False(engine.Consume(Call("a")).IsAllowed);
        Assert.True(engine.Consume(Call("b")).IsAllowed);
        Assert.False(engine.Consume(Call("b")).IsAllowed);
        Assert.False(engine.Reload(Load(after)));
    }

    [Fact]
    public async Task Reload_UnderLoad_NeverThrowsAndTheKeptCounterNeverOverCounts()
    {
        // Entry t is the same in both versions, so its counter survives every swap: across 200 reloads and
        // 2,000 concurrent calls it still forwards exactly 5. The other entry flips, so decisions change.
        const string first =
            "version: 1\ndefault: allow\ntools:\n  t:\n    rate_limit: 5/hour\n    action: allow\n  u: deny\n";
        const string second = "version: 1\ndefault: allow\nhide: [x]\ntools:\n  t:\n"
            + "    rate_limit: 5/hour\n    action: allow\n  u: allow\n";
        var versions = new[] { Load(first), Load(second) };
        var engine = new PolicyEngine(versions[0]);
        var ct = TestContext.Current.CancellationToken;

        var reloads = Task.Run(() =>
        {
            for (var i = 1; i <= 200; i++)
            {
                engine.Reload(versions[i % 2]);
                Thread.Yield();
            }
        }, ct);
        var calls = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var forwarded = 0;
            for (var i = 0; i < 500; i++)
            {
                var request = Call(i % 2 == 0 ? "t" : "u");
                if (engine.Evaluate(request).IsAllowed && engine.Consume(request).IsAllowed && request.ToolName == "t")
                {
                    forwarded++;
                }
            }

            return forwarded;
        }, ct)).ToList();

        await reloads;
        var forwardedByEach = await Task.WhenAll(calls);

        Assert.Equal(5, forwardedByEach.Sum());
    }

    [Fact]
    public void Consume_CallsSharingABucket_EachCountAndLeaveOnlyWithTheNewest()
    {
        // A 1024 s window has 1 s buckets. Calls at 0 s and 0.5 s share one, stamped 0.5 s: the first call is
        // forgotten no earlier than the second, so the limit is never exceeded in any 1024 s span.
        var clock = new FakeTimeProvider(s_start);
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n"
                    + "    rate_limit: { max: 2, window: 1024s }\n    action: allow\n"),
            clock);

        Assert.True(engine.Consume(Call("t")).IsAllowed);
        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(engine.Consume(Call("t")).IsAllowed);
        Assert.False(engine.Consume(Call("t")).IsAllowed);

        clock.SetUtcNow(s_start + TimeSpan.FromSeconds(1024.2));
        var refused = engine.Consume(Call("t"));
        Assert.False(refused.IsAllowed);
        Assert.Contains("retry after 1s", refused.Reason);

        clock.SetUtcNow(s_start + TimeSpan.FromSeconds(1024.5));
        Assert.True(engine.Consume(Call("t")).IsAllowed);
        Assert.True(engine.Consume(Call("t")).IsAllowed);
        Assert.False(engine.Consume(Call("t")).IsAllowed);
    }

    [Fact]
    public void Consume_ManyCallsInOneWindow_BudgetSumsEveryOneExactly()
    {
        var clock = new FakeTimeProvider(s_start);
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n"
                    + "    budget: { argument: qty, max: 10, window: 1h }\n    action: allow\n"),
            clock);

        for (var i = 0; i < 1000; i++)
        {
            Assert.True(engine.Consume(Call("t", """{"qty": "0.01"}""")).IsAllowed);
            clock.Advance(TimeSpan.FromMilliseconds(7));
        }

        var over = engine.Consume(Call("t", """{"qty": "0.01"}"""));

        Assert.False(over.IsAllowed);
        Assert.Contains("budget", over.Reason);
    }
}
