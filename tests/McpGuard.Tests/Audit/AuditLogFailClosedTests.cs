using McpGuard.Audit;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;
using static McpGuard.Tests.Audit.AuditTestRecords;

namespace McpGuard.Tests.Audit;

public sealed class AuditLogFailClosedTests
{
    [Fact]
    public void TryWriteDecision_DiskFull_ReturnsFalseAndWarns()
    {
        Assert.SkipUnless(File.Exists("/dev/full"), "/dev/full exists on Linux only.");
        var logger = new CapturingLogger();
        using var log = Open("/dev/full", logger: logger);

        Assert.False(log.TryWriteDecision(Decision(log, arguments: """{"api_key":"sk-live-123","qty":1}""")));
        Assert.False(
            log.TryWriteOutcome(new AuditOutcomeRecord { CallId = "c", Duration = TimeSpan.Zero, IsError = false }));

        var warning = logger.Entries.First(e => e.Level == LogLevel.Warning && e.Message.Contains("/dev/full"));
        Assert.Contains("Calls are denied", warning.Message);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("sk-live-123") || e.Message.Contains("qty"));
    }

    [Theory]
    [InlineData("AppendFlag")]
    [InlineData("SeekToEnd")]
    public void TryWriteDecision_DiskFull_EveryStrategyFailsClosed(string strategyName)
    {
        var strategy = Enum.Parse<AppendStrategy>(strategyName);
        Assert.SkipUnless(File.Exists("/dev/full"), "/dev/full exists on Linux only.");
        using var log = Open("/dev/full", strategy: strategy);

        Assert.False(log.TryWriteDecision(Decision(log)));
    }

    [Fact]
    public void TryWriteDecision_DirectoryCannotBeCreated_ReturnsFalse()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("not-a-dir"), "");
        var logger = new CapturingLogger();
        using var log = Open(Path.Combine(temp.Path, "not-a-dir", "sub", "audit.jsonl"), logger: logger);

        Assert.False(log.TryWriteDecision(Decision(log)));
        var warning = logger.Entries.First(e => e.Level == LogLevel.Warning && e.Message.Contains("not-a-dir"));

        // The runtime's reason ends with its own full stop: one sentence does not end twice ("exists..").
        Assert.DoesNotContain("..", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryWriteDecision_PathIsADirectory_ReturnsFalse()
    {
        using var temp = new TempDirectory();
        using var log = Open(temp.Path);

        Assert.False(log.TryWriteDecision(Decision(log)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TryWriteDecision_ReadOnlyFile_ReturnsFalse()
    {
        Assert.SkipWhen(
            OperatingSystem.IsWindows() || Environment.UserName == "root",
            "root ignores file permissions; Unix modes only.");
        using var temp = new TempDirectory();
        var path = temp.File("audit.jsonl");
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        using var log = Open(path);

        Assert.False(log.TryWriteDecision(Decision(log)));
    }

    [Fact]
    public void TryWriteDecision_DiskFull_ReturnsFalse()
    {
        // /dev/full refuses every write with ENOSPC, for root too: the write the OS refuses that CI can always make.
        Assert.SkipUnless(File.Exists("/dev/full"), "needs Linux's /dev/full device.");
        using var log = Open("/dev/full");

        Assert.False(log.TryWriteDecision(Decision(log)));
    }

    [Fact]
    public void TryWriteDecision_AfterFailure_RecoversWhenPathBecomesWritable()
    {
        using var temp = new TempDirectory();
        var blocker = temp.File("logs");
        File.WriteAllText(blocker, "");
        var path = Path.Combine(blocker, "audit.jsonl");
        using var log = Open(path);
        Assert.False(log.TryWriteDecision(Decision(log)));

        File.Delete(blocker);

        Assert.True(log.TryWriteDecision(Decision(log)));
        Assert.Single(ReadLines(path));
    }
}
