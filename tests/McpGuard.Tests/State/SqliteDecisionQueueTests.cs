using McpGuard.Policy.Limits;
using McpGuard.State;

namespace McpGuard.Tests.State;

public sealed class SqliteDecisionQueueTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private readonly object _storeLock = new();

    [Fact]
    public void TokenCancelledWhileWaiting_WithdrawsItsDecisionsOnly_TheOthersAreTakenInOrder()
    {
        var queue = new SqliteDecisionQueue(_storeLock);
        using var givenUp = new CancellationTokenSource();
        using var other = new CancellationTokenSource();
        var first = new SqliteDecision([], Now, other.Token);
        var withdrawn = new SqliteDecision([], Now, givenUp.Token);
        var alsoWithdrawn = new SqliteDecision([], Now, givenUp.Token);
        var last = new SqliteDecision([], Now, CancellationToken.None);
        lock (_storeLock)
        {
            foreach (var decision in new[] { first, withdrawn, alsoWithdrawn, last })
            {
                queue.Add(decision);
            }
        }

        givenUp.Cancel();

        Assert.True(withdrawn.Answer.IsCanceled);
        Assert.True(alsoWithdrawn.Answer.IsCanceled);
        lock (_storeLock)
        {
            Assert.Equal([first, last], queue.TakeAll());
            Assert.Equal(0, queue.Count);
        }
    }

    [Fact]
    public void TokenCancelledAlready_TheDecisionIsWithdrawnAtOnce_NotQueued()
    {
        var queue = new SqliteDecisionQueue(_storeLock);
        using var givenUp = new CancellationTokenSource();
        var earlier = new SqliteDecision([], Now, givenUp.Token);
        var late = new SqliteDecision([], Now, givenUp.Token);
        lock (_storeLock)
        {
            queue.Add(earlier);
        }

        givenUp.Cancel();
        lock (_storeLock)
        {
            // The token's one registration ran already: this one must not wait for it.
            queue.Add(late);
            Assert.Equal(0, queue.Count);
        }

        Assert.True(earlier.Answer.IsCanceled);
        Assert.True(late.Answer.IsCanceled);
    }

    [Fact]
    public async Task TokenCancelledAfterTheStoreTookTheDecisions_TheyAreStillAnswered()
    {
        var queue = new SqliteDecisionQueue(_storeLock);
        using var givenUp = new CancellationTokenSource();
        var decision = new SqliteDecision([], Now, givenUp.Token);
        SqliteDecision[] taken;
        lock (_storeLock)
        {
            queue.Add(decision);
            taken = queue.TakeAll();
        }

        givenUp.Cancel();
        SqliteDecision.AnswerAll(taken, [new CountOutcome.Counted(CountReceipt.Empty)]);

        Assert.IsType<CountOutcome.Counted>(await decision.Answer);
    }
}
