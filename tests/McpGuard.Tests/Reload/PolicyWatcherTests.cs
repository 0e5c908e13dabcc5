using McpGuard.Policy;
using McpGuard.Reload;
using McpGuard.Tests.Policy;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Reload;

public sealed class PolicyWatcherTests
{
    private const string Allowing = "version: 1\ndefault: allow\n";

    // Deleting the policy file while a guard ran logged nothing: the guard kept its policy in silence, and a person
    // who removed the file to stop the guard's rules had no word that they were still in force.
    [Fact]
    public async Task Reload_PolicyFileDeleted_SaysSoOnceAndKeepsThePolicyUntilItIsBack()
    {
        using var temp = new TempDirectory();
        var path = temp.File("policy.yaml");
        await File.WriteAllTextAsync(path, Allowing, TestContext.Current.CancellationToken);
        var engine = new PolicyEngine(PolicyTestData.Load(Allowing));
        var before = engine.Policy;
        var logger = new CapturingLogger();
        await using var watcher = new PolicyWatcher(path, engine, _ => Task.CompletedTask, logger);

        File.Delete(path);
        await watcher.ReloadAsync();
        await watcher.ReloadAsync();

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(
            $"The policy file {path} is gone; the policy loaded last stays in force until a valid file is there "
                + "again.",
            warning.Message);
        Assert.Same(before, engine.Policy);

        // Back, then gone again: said again.
        await File.WriteAllTextAsync(path, "version: 1\ndefault: deny\n", TestContext.Current.CancellationToken);
        await watcher.ReloadAsync();
        Assert.NotSame(before, engine.Policy);
        File.Delete(path);
        await watcher.ReloadAsync();
        Assert.Equal(2, logger.Entries.Count(e => e.Level == LogLevel.Warning));
    }
}
