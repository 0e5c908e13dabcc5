using System.Runtime.CompilerServices;
using McpGuard.Policy.Limits;

namespace McpGuard.State;

// A decision: check every demand, then count all or none; alone, as a group commit, or a give-back.
internal sealed partial class SqliteCounterStore
{
    /// <summary>A decision's live windows on the stack: a call has at most three counters.</summary>
    [InlineArray(Length)]
    private struct FewLiveWindows
    {
        public const int Length = 4;

        private LiveWindow _first;
    }

    /// <summary>One decision in a transaction of its own, on the caller's thread.</summary>
    private CountOutcome DecideAlone(IReadOnlyList<CounterDemand> demands, DateTimeOffset now)
    {
        try
        {
            var statements = Begin();
            var outcome = Decide(statements, demands, now);
            Commit(statements);
            return outcome;
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            return new CountOutcome.Unavailable(SqliteFailures.Reason(ex));
        }
    }

    /// <summary>
    /// A burst's decisions in one transaction (group commit), in arrival order, each seeing what the ones before
    /// it counted. When the transaction fails, none of them counted.
    /// </summary>
    private CountOutcome[] DecideTogether(SqliteDecision[] batch)
    {
        var outcomes = new CountOutcome[batch.Length];
        try
        {
            var statements = Begin();
            for (var i = 0; i < batch.Length; i++)
            {
                outcomes[i] = Decide(statements, batch[i].Demands, batch[i].Now);
            }

            Commit(statements);
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            Array.Fill(outcomes, new CountOutcome.Unavailable(SqliteFailures.Reason(ex)));
        }

        return outcomes;
    }

    private bool GiveBack(CountReceipt receipt)
    {
        try
        {
            var statements = Begin();
            foreach (var counted in receipt.Counted)
            {
                if (Find(statements, counted.Counter) is { } stored)
                {
                    TakeBack(statements, stored, counted.BucketOpenedTicks, counted.Amount);
                    _windows.Remove(counted.Counter);
                }
            }

            Commit(statements);
            return true;
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            return false;
        }
    }

    /// <summary>
    /// Checks every demand against its counter's live window, then counts all of them, or refuses without
    /// writing a count. Runs inside an open transaction.
    /// </summary>
    private CountOutcome Decide(
        SqliteCounterStatements statements, IReadOnlyList<CounterDemand> demands, DateTimeOffset now)
    {
        var few = default(FewLiveWindows);
        Span<LiveWindow> windows = demands.Count <= FewLiveWindows.Length
            ? ((Span<LiveWindow>)few)[..demands.Count]
            : new LiveWindow[demands.Count];
        if (Check(statements, demands, now, windows) is { } refused)
        {
            return refused;
        }

        var counted = new CountedAmount[demands.Count];
        for (var i = 0; i < demands.Count; i++)
        {
            var demand = demands[i];
            counted[i] = new CountedAmount(demand.Counter, Add(statements, windows[i], demand, now), demand.Amount);
        }

        if (--_untilSweep <= 0)
        {
            _untilSweep = SweepEvery;
            Sweep(statements, now);
        }

        return new CountOutcome.Counted(new CountReceipt(counted));
    }

    /// <summary>
    /// What a decision would answer now, counting nothing (<see cref="ICounterStore.CheckAsync"/>): a transaction
    /// of its own on the caller's thread, as a give-back's, once the connection is free. Its expired buckets are
    /// deleted as a decision's are.
    /// </summary>
    public ValueTask<CountOutcome> CheckAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!TryAcquire(cancellationToken))
        {
            return new(new CountOutcome.Unavailable($"busy for more than {_busyTimeout.TotalSeconds:0.###}s"));
        }

        try
        {
            var statements = Begin();
            var windows = new LiveWindow[demands.Count];
            var outcome = Check(statements, demands, now, windows) ?? (CountOutcome)CountOutcome.Fits.Instance;
            Commit(statements);
            return new(outcome);
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            return new(new CountOutcome.Unavailable(SqliteFailures.Reason(ex)));
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// The first demand that does not fit its counter's live window, or null when all do; <paramref name="windows"/>
    /// gets each demand's window. Runs inside an open transaction.
    /// </summary>
    private CountOutcome.Refused? Check(
        SqliteCounterStatements statements,
        IReadOnlyList<CounterDemand> demands,
        DateTimeOffset now,
        Span<LiveWindow> windows)
    {
        for (var i = 0; i < demands.Count; i++)
        {
            var demand = demands[i];
            var window = Load(statements, demand.Counter, now);
            if (window.Sum + demand.Amount > demand.Max)
            {
                var buckets = window.Id is { } id ? LiveBuckets(statements, id, demand.Counter.Window, now) : [];
                var retryAfter = WindowArithmetic.RetryAfter(
                    buckets, window.Sum, demand.Amount, demand.Max, demand.Counter.Window, now);
                return new CountOutcome.Refused(i, retryAfter);
            }

            windows[i] = window;
        }

        return null;
    }
}
