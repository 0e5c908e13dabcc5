using McpGuard.Policy.Limits;

namespace McpGuard.State;

// What 'mcpguard limits' lists: a namespace's live counters.
internal sealed partial class SqliteCounterStore
{
    /// <remarks>Runs on the caller's thread (a command, not a call path): it waits for the connection like a
    /// give-back.</remarks>
    public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
        string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!TryAcquire(cancellationToken))
        {
            throw new CounterStoreException(
                $"{Description} cannot be read: busy for more than {_busyTimeout.TotalSeconds:0.###}s");
        }

        try
        {
            Open();
            var connection = _connection!;
            using var select = Command(connection, null, """
                SELECT c.entry, c.kind, c.window_ticks, c.per, b.last, b.amount, c.id, b.opened
                FROM limit_ids c JOIN limit_tails b ON b.counter = c.id
                WHERE c.namespace = $ns AND b.last > $now - c.window_ticks
                UNION ALL
                SELECT c.entry, c.kind, c.window_ticks, c.per, h.last, h.amount, c.id, h.opened
                FROM limit_ids c JOIN limit_heads h ON h.counter = c.id
                WHERE c.namespace = $ns AND h.last > $now - c.window_ticks
                ORDER BY 7, 8
                """);
            select.Parameters.AddWithValue("$ns", counterNamespace);
            select.Parameters.AddWithValue("$now", now.UtcTicks);
            using var reader = select.ExecuteReader();
            var readings = new Dictionary<CounterId, CounterReading>();
            while (reader.Read())
            {
                if (!CounterKinds.TryParse(reader.GetString(1), out var kind))
                {
                    continue;
                }

                var id = new CounterId(
                    counterNamespace,
                    reader.GetString(0),
                    kind,
                    TimeSpan.FromTicks(reader.GetInt64(2)),
                    CounterIdentity.ReadPer(reader.GetString(3)));
                var amount = Amount(reader.GetString(5));
                readings[id] = readings.TryGetValue(id, out var seen)
                    ? seen with { Used = seen.Used + amount }
                    : new CounterReading(id, amount, new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero) + id.Window);
            }

            return new((IReadOnlyList<CounterReading>)[.. readings.Values]);
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex) || ex is System.Text.Json.JsonException)
        {
            Fail();
            throw new CounterStoreException($"{Description} cannot be read: {SqliteFailures.Reason(ex)}", ex);
        }
        finally
        {
            Release();
        }
    }
}
