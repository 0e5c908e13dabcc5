using McpGuard.Desk;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Desk;

public sealed class DeskStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DeskPending Pending(string id, DateTimeOffset deadline) =>
        new(id, "bybit", "place_order", "{}", "tools.place_order", null, deadline.AddSeconds(-2), deadline);

    [Fact]
    public async Task TryDecide_AfterTheDeadline_ChangesNothing()
    {
        var time = new FakeTimeProvider();
        var store = new DeskStore(time);
        store.Add(Pending("a", time.GetUtcNow().AddSeconds(2)));

        time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(store.TryDecide("a", approve: true));
        Assert.Equal(DeskAnswer.Denied, await store.WaitAsync("a", TimeSpan.Zero, Ct));
        Assert.Equal("expired", Assert.Single(store.Snapshot().Decisions).Outcome);
    }

    [Fact]
    public async Task WaitAsync_DecisionWhileWaiting_CompletesTheLongPoll()
    {
        var time = new FakeTimeProvider();
        var store = new DeskStore(time);
        store.Add(Pending("b", time.GetUtcNow().AddMinutes(2)));

        var waiting = store.WaitAsync("b", TimeSpan.FromSeconds(20), Ct);
        Assert.False(waiting.IsCompleted);
        Assert.True(store.TryDecide("b", approve: false));

        Assert.Equal(DeskAnswer.Denied, await waiting);
        Assert.False(store.TryDecide("b", approve: true));
        Assert.Empty(store.Snapshot().Pending);
    }

    [Fact]
    public async Task WaitAsync_NoDecisionWithinTheWait_IsStillPending()
    {
        var time = new FakeTimeProvider();
        var store = new DeskStore(time);
        store.Add(Pending("c", time.GetUtcNow().AddMinutes(2)));

        var waiting = store.WaitAsync("c", TimeSpan.FromSeconds(20), Ct);
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(DeskAnswer.Pending, await waiting);
    }

    [Fact]
    public async Task Withdraw_Pending_LeavesTheListAndIsInTheFeed()
    {
        var store = new DeskStore(new FakeTimeProvider());
        store.Add(Pending("d", DateTimeOffset.MaxValue));

        store.Withdraw("d");

        Assert.Empty(store.Snapshot().Pending);
        Assert.Equal("withdrawn", Assert.Single(store.Snapshot().Decisions).Outcome);
        Assert.Equal(DeskAnswer.Unknown, await store.WaitAsync("zzz", TimeSpan.Zero, Ct));
    }
}
