using McpGuard.Policy.Limits;

namespace McpGuard.State;

// Deleting counters: the sweep of those whose window ended, and 'mcpguard limits --reset'.
internal sealed partial class SqliteCounterStore
{
    private const int SweepEvery = 1000;

    private int _untilSweep;

    /// <summary>
    /// Deletes every counter whose buckets have all left their window (its buckets go with it), and forgets those
    /// of them this connection remembers. A live counter's old buckets are left to the next decision that touches
    /// it, which takes them out of its sum too. The other remembered windows still hold: forgetting all of them made
    /// the decision after each sweep read every counter it needs again (bench/HISTORY.md, issue 27, eighth session).
    /// </summary>
    private void Sweep(SqliteCounterStatements statements, DateTimeOffset now)
    {
        Settle(statements);
        HashSet<long>? swept = null;
        using (var reader = statements.Sweep.With(now.UtcTicks).ExecuteReader())
        {
            while (reader.Read())
            {
                (swept ??= []).Add(reader.GetInt64(0));
            }
        }

        if (swept is null)
        {
            return;
        }

        List<CounterId>? forget = null;
        foreach (var (counter, window) in _windows)
        {
            if (swept.Contains(window.Id))
            {
                (forget ??= []).Add(counter);
            }
        }

        foreach (var counter in forget ?? [])
        {
            _windows.Remove(counter);
        }
    }

    public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken)
    {
        if (!TryAcquire(cancellationToken))
        {
            throw new CounterStoreException(
                $"{Description} cannot be written: busy for more than {_busyTimeout.TotalSeconds:0.###}s");
        }

        try
        {
            Open();
            var connection = _connection!;
            using var transaction = connection.BeginTransaction(deferred: false);
            using var delete = Command(
                connection, transaction, "DELETE FROM limit_ids WHERE namespace = $ns AND entry = $entry");
            delete.Parameters.AddWithValue("$ns", counterNamespace);
            delete.Parameters.AddWithValue("$entry", entry);
            var cleared = delete.ExecuteNonQuery();
            transaction.Commit();
            _windows.Clear();
            return new(cleared);
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            throw new CounterStoreException($"{Description} cannot be written: {SqliteFailures.Reason(ex)}", ex);
        }
        finally
        {
            Release();
        }
    }
}
