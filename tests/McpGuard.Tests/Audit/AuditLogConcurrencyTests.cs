using McpGuard.Audit;
using McpGuard.Policy.Settings;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Audit.AuditTestRecords;

namespace McpGuard.Tests.Audit;

public sealed class AuditLogConcurrencyTests
{
    private const int Writers = 8;
    private const int RecordsPerWriter = 400;

    [Fact]
    public async Task TryWriteDecision_ManyThreadsOneLog_EveryLineWhole()
    {
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl"), AuditArgumentsMode.Full))
        {
            await Task.WhenAll(
                Enumerable.Range(0, Writers)
                    .Select(w => Task.Run(() => WriteMany(log, w), TestContext.Current.CancellationToken)));
        }

        AssertWhole(temp.File("audit.jsonl"), Writers * RecordsPerWriter);
    }

    // Separate AuditLog instances open the file separately, exactly as separate guard processes do: each has
    // its own open file description, so nothing in-process serialises them.
    [Fact]
    public async Task TryWriteDecision_SeveralLogsOneFile_EveryLineWholeAndCountExact()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Cross-process appends are only guaranteed on Unix.");
        using var temp = new TempDirectory();
        var logger = new CapturingLogger();
        var logs = Enumerable.Range(0, 4).Select(_ => Open(temp.File("audit.jsonl"), AuditArgumentsMode.Full, logger))
            .ToList();
        try
        {
            await Task.WhenAll(
                Enumerable.Range(0, Writers)
                    .Select(
                        w => Task.Run(
                            () => WriteMany(logs[w % logs.Count], w), TestContext.Current.CancellationToken)));
        }
        finally
        {
            logs.ForEach(log => log.Dispose());
        }

        Assert.True(logger.Entries.IsEmpty, string.Join("\n", logger.Entries.Select(e => e.Message).Distinct()));

        AssertWhole(temp.File("audit.jsonl"), Writers * RecordsPerWriter);
    }

    [Fact]
    public void TryWriteDecision_ManyInARow_EachWholeOnItsOwnLine()
    {
        // The cost of a record is the benchmark's to measure (bench/README.md), not a timed assertion's here.
        using var temp = new TempDirectory();
        const int Count = 5000;
        using (var log = Open(temp.File("audit.jsonl"), AuditArgumentsMode.Redact))
        {
            var arguments = """
                {"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Limit",
                "qty":"0.01","price":"50000","api_key":"x"}
                """.ReplaceLineEndings("");
            var record = Decision(log, arguments: arguments);
            for (var i = 0; i < Count; i++)
            {
                Assert.True(log.TryWriteDecision(record));
            }
        }

        var records = ReadLines(temp.File("audit.jsonl"));
        Assert.Equal(Count, records.Length);
        Assert.All(records, r => Assert.Equal("BTCUSDT", r.GetProperty("arguments").GetProperty("symbol").GetString()));
    }

    private static void WriteMany(AuditLog log, int writer)
    {
        // A large argument makes partial writes and interleaving visible if they ever happened.
        var padding = new string((char)('a' + writer), 3000);
        for (var i = 0; i < RecordsPerWriter; i++)
        {
            log.TryWriteDecision(
                Decision(log, tool: $"tool_{writer}", arguments: $$"""{"i":{{i}},"pad":"{{padding}}"}"""));
        }
    }

    private static void AssertWhole(string path, int expected)
    {
        var records = ReadLines(path);
        Assert.Equal(expected, records.Length);
        Assert.Equal(expected, records.Select(r => r.GetProperty("call_id").GetString()).Distinct().Count());
        foreach (var group in records.GroupBy(r => r.GetProperty("tool").GetString()))
        {
            Assert.Equal(RecordsPerWriter, group.Count());
            var writer = group.Key![^1] - '0';
            Assert.All(
                group,
                r => Assert.Equal(
                    new string((char)('a' + writer), 3000), r.GetProperty("arguments").GetProperty("pad").GetString()));
        }
    }
}
