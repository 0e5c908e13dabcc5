using McpGuard.Policy.Limits;
using McpGuard.State;

namespace McpGuard.Tests.State;

public sealed class SqliteDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnswerAll_TheOldestDecisionsWaiterGoesOn_WithTheWholeGroupCommitAnsweredAlready()
    {
        // The held calls' sender waits for the oldest decision and goes on on the store's thread as soon as it is
        // answered: it must then find every later one of the group commit answered too, or it flushes per call.
        var batch = Enumerable.Range(0, 4).Select(_ => new SqliteDecision([], Now, CancellationToken.None)).ToArray();
        bool[]? seenByOldest = null;
        var oldest = batch[0].Answer.AsTask().ContinueWith(
            _ => seenByOldest = [.. batch.Select(d => d.Answer.IsCompleted)],
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        CountOutcome[] outcomes = [.. batch.Select(_ => new CountOutcome.Counted(CountReceipt.Empty))];

        SqliteDecision.AnswerAll(batch, outcomes);

        Assert.True(oldest.IsCompleted);
        Assert.Equal([true, true, true, true], Assert.IsType<bool[]>(seenByOldest));
    }
}
