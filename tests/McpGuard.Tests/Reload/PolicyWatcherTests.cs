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

    // serve reads its block once, when it starts: a reload that added an origin, removed auth or named another token
    // file logged "Reloaded … (hidden tools changed: False)" and nothing else, while the running gateway went on
    // admitting by the block it started with.
    [Fact]
    public async Task Reload_ServeBlockChanged_SaysItTakesEffectAtTheNextStart_OnceAndOnlyInServe()
    {
        const string Started = "version: 1\ndefault: allow\nserve: { allowed_origins: [https://a.example] }\n";
        const string Added =
            "version: 1\ndefault: allow\nserve: { allowed_origins: [https://a.example, https://b.example] }\n";
        using var temp = new TempDirectory();
        var path = temp.File("policy.yaml");
        await File.WriteAllTextAsync(path, Started, TestContext.Current.CancellationToken);
        var serveLog = new CapturingLogger();
        var runLog = new CapturingLogger();
        await using var serve = new PolicyWatcher(
            path, new PolicyEngine(PolicyTestData.Load(Started)), _ => Task.CompletedTask, serveLog, serving: true);
        await using var run = new PolicyWatcher(
            path, new PolicyEngine(PolicyTestData.Load(Started)), _ => Task.CompletedTask, runLog);

        await File.WriteAllTextAsync(path, Added, TestContext.Current.CancellationToken);
        await serve.ReloadAsync();
        await run.ReloadAsync();

        var warning = Assert.Single(serveLog.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(
            "The policy's serve block changed; that takes effect only when the guard starts again, and until then it "
                + "keeps the settings it started with.",
            warning.Message);
        Assert.DoesNotContain(runLog.Entries, e => e.Level == LogLevel.Warning);

        // Another edit that leaves the block as it is: not said again. The block as it started: nothing to say.
        await File.WriteAllTextAsync(path, Added.Replace("allow", "deny"), TestContext.Current.CancellationToken);
        await serve.ReloadAsync();
        await File.WriteAllTextAsync(path, Started, TestContext.Current.CancellationToken);
        await serve.ReloadAsync();
        Assert.Single(serveLog.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Reload_TelemetryOrStoreChanged_SaidInRunToo()
    {
        using var temp = new TempDirectory();
        var path = temp.File("policy.yaml");
        await File.WriteAllTextAsync(path, Allowing, TestContext.Current.CancellationToken);
        var logger = new CapturingLogger();
        await using var watcher = new PolicyWatcher(
            path, new PolicyEngine(PolicyTestData.Load(Allowing)), _ => Task.CompletedTask, logger);

        await File.WriteAllTextAsync(
            path, Allowing + "telemetry: { otlp: http://127.0.0.1:4318 }\nstate: { store: memory }\n",
            TestContext.Current.CancellationToken);
        await watcher.ReloadAsync();

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.StartsWith(
            "The policy's telemetry block and state store changed;", warning.Message, StringComparison.Ordinal);
    }
}
