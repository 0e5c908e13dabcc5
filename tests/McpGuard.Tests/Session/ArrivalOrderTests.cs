using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// The turns of calls held only for their counts: a burst shares one turn, which ends with its last call, and a
/// turn of another kind taken in between starts a new one that waits for it.
/// </summary>
public sealed class ArrivalOrderTests
{
    [Fact]
    public void TakeCounted_BurstOfCountedCalls_SharesOneTurnThatEndsWithItsLastCall()
    {
        var order = new ArrivalOrder();
        var first = order.TakeCounted();
        var second = order.TakeCounted();
        Assert.Same(first, second);

        first.Leave();
        Assert.True(order.AnyWaiting);
        Assert.False(first.Ended.IsCompleted);

        second.Leave();
        Assert.True(first.Ended.IsCompleted);
        Assert.False(order.AnyWaiting);
    }

    [Fact]
    public async Task TakeCounted_AfterAnotherKindOfTurn_TakesANewTurnThatWaitsForIt()
    {
        var order = new ArrivalOrder();
        var counted = order.TakeCounted();
        var listing = order.Take(listing: true);
        var later = order.TakeCounted();
        Assert.NotSame(counted, later);

        var waiting = later.WaitAsync(TestContext.Current.CancellationToken);
        counted.Leave();
        Assert.False(waiting.IsCompleted);
        listing.End();
        await waiting.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TakeCounted_AfterTheSharedTurnEnded_TakesANewTurn()
    {
        var order = new ArrivalOrder();
        var counted = order.TakeCounted();
        counted.Leave();

        var next = order.TakeCounted();
        Assert.NotSame(counted, next);
        Assert.True(order.AnyWaiting);
        await next.WaitAsync(TestContext.Current.CancellationToken).WaitAsync(
            TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
    }
}
