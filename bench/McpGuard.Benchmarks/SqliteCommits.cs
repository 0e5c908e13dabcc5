using System.Diagnostics;
using System.Globalization;
using McpGuard.State;
using Microsoft.Data.Sqlite;

namespace McpGuard.Benchmarks;

/// <summary>
/// <c>sqlite-commits [commits]</c>: a lone counted call's transaction alone (<c>BEGIN IMMEDIATE</c>, one row's
/// <c>UPDATE</c>, <c>COMMIT</c>, WAL, <c>synchronous=NORMAL</c>), on two files in one process side by side: one
/// through SQLite's own <c>unix</c> VFS, one through the store's (<see cref="SqliteFrameWrites"/>: a log frame in
/// one write). Blocks of 200 commits alternate between the two, so a loaded machine's noise falls on both alike;
/// prints each side's p50 and p90 per commit.
/// </summary>
internal static class SqliteCommits
{
    private const int Block = 200;

    public static int Run(string[] args)
    {
        var commits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var directory = Directory.CreateTempSubdirectory("mcpguard-bench-").FullName;
        try
        {
            SqliteFrameWrites.Install();
            using var plain = Open($"file:{Path.Combine(directory, "plain.db")}?vfs=unix");
            using var joined = Open(Path.Combine(directory, "joined.db"));
            var times = new[] { new List<double>(), new List<double>() };
            var sides = new[] { plain, joined };
            var joinedBefore = SqliteFrameWrites.Joined;
            for (var done = 0; done < commits; done += Block)
            {
                var first = done / Block % 2;
                for (var s = 0; s < 2; s++)
                {
                    var side = (first + s) % 2;
                    for (var i = 0; i < Block; i++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        sides[side].Commit();
                        times[side].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    }
                }
            }

            Console.WriteLine(
                $"{commits} lone commits each, blocks of {Block} alternating; frames joined:"
                    + $" {SqliteFrameWrites.Joined - joinedBefore}");
            Report("unix VFS", times[0]);
            Report("store's VFS", times[1]);
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Report(string name, List<double> times)
    {
        times.Sort();
        Console.WriteLine(
            $"{name,-12} p50 {times[times.Count / 2]:0.00} µs  p90 {times[times.Count * 9 / 10]:0.00} µs");
    }

    private static Side Open(string dataSource)
    {
        var connection = new SqliteConnection($"Data Source={dataSource};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;
                CREATE TABLE heads (counter INTEGER PRIMARY KEY, last INTEGER NOT NULL, total TEXT NOT NULL);
                INSERT INTO heads VALUES (1, 0, '0'), (2, 0, '0'), (3, 0, '0');
                """;
            setup.ExecuteNonQuery();
        }

        return new Side(connection);
    }

    private sealed class Side(SqliteConnection connection) : IDisposable
    {
        private readonly SqliteCommand _begin = Command(connection, "BEGIN IMMEDIATE");
        private readonly SqliteCommand _update = Command(
            connection, "UPDATE heads SET last = last + 1, total = total + 1 WHERE counter = 2");
        private readonly SqliteCommand _commit = Command(connection, "COMMIT");
        private int _commits;

        public void Commit()
        {
            _begin.ExecuteNonQuery();
            _update.ExecuteNonQuery();
            _commit.ExecuteNonQuery();

            // The store's checkpointer keeps its log short; here every 1,000 commits, outside the timed call.
            if (++_commits % 1000 == 0)
            {
                using var checkpoint = Command(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
                checkpoint.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            _begin.Dispose();
            _update.Dispose();
            _commit.Dispose();
            connection.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, string text)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            command.Prepare();
            return command;
        }
    }
}
