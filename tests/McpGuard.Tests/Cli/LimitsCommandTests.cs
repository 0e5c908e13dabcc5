using McpGuard.Cli;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

/// <summary><c>mcpguard limits</c> over a real SQLite file in a temp directory.</summary>
public sealed class LimitsCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Limits_HostilePerValueFromAnAgent_IsPrintedInert()
    {
        var policyPath = _directory.File("p.yaml");
        var state = _directory.File("state.db");
        await File.WriteAllTextAsync(
            policyPath,
            $"version: 1\ndefault: allow\nstate:\n  path: {state}\n  namespace: n\ntools:\n  t:\n"
                + $"    budget: {{ argument: qty, max: 1, window: 1h, per: symbol }}\n    action: allow\n",
            TestContext.Current.CancellationToken);
        await using (var store = new SqliteCounterStore(state, TimeSpan.FromSeconds(5), state))
        {
            var counter = new CounterId(
                "n", "tools.t", CounterKind.Budget, TimeSpan.FromHours(1), ["\u001b[31mBTC\u202E\u0007"]);
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync(
                    [new CounterDemand(counter, new StrictDecimal(1, 1), StrictDecimal.One)], DateTimeOffset.UtcNow,
                    TestContext.Current.CancellationToken));
        }

        var (code, output, error) = await CommandRunner.RunAsync(LimitsCommand.Create(), "--policy", policyPath);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("0.1", output);
        Assert.DoesNotContain(output, c => (char.IsControl(c) && c is not '\n' and not '\r') || c is '\u202E');
        Assert.Contains("\\u001B", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Limits_CounterUsingNothing_SaysNothingFreesUp()
    {
        // A budget call with qty "0" (or a count given back) leaves a counter at 0 in the window: nothing to free.
        var policyPath = _directory.File("zero.yaml");
        var state = _directory.File("zero.db");
        await File.WriteAllTextAsync(
            policyPath,
            $"version: 1\ndefault: allow\nstate:\n  path: {state}\n  namespace: n\ntools:\n  t:\n"
                + "    budget: { argument: qty, max: 1, window: 1h }\n    action: allow\n",
            TestContext.Current.CancellationToken);
        await using (var store = new SqliteCounterStore(state, TimeSpan.FromSeconds(5), state))
        {
            var counter = new CounterId("n", "tools.t", CounterKind.Budget, TimeSpan.FromHours(1), []);
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync(
                    [new CounterDemand(counter, StrictDecimal.Zero, StrictDecimal.One)], DateTimeOffset.UtcNow,
                    TestContext.Current.CancellationToken));
        }

        var (code, output, _) = await CommandRunner.RunAsync(LimitsCommand.Create(), "--policy", policyPath);
        var (_, json, _) = await CommandRunner.RunAsync(LimitsCommand.Create(), "--policy", policyPath, "--json");

        Assert.Equal(0, code);
        Assert.Matches(@"\bt\s+budget\s+1h\s+-\s+0\s+1\s+-\n", output.ReplaceLineEndings("\n"));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(
            System.Text.Json.JsonValueKind.Null,
            document.RootElement.GetProperty("limits")[0].GetProperty("frees_up_at").ValueKind);
    }

    [Fact]
    public async Task Limits_AgentScope_OneRowPerAgentWithItsCount()
    {
        var policyPath = _directory.File("agents.yaml");
        var state = _directory.File("agents.db");
        await File.WriteAllTextAsync(
            policyPath,
            $"version: 1\ndefault: allow\nstate:\n  path: {state}\n  namespace: n\ntools:\n  t:\n"
                + "    rate_limit: { max: 5, window: 1h, scope: agent }\n    action: allow\n",
            TestContext.Current.CancellationToken);
        await using (var store = new SqliteCounterStore(state, TimeSpan.FromSeconds(5), state))
        {
            var engine = new PolicyEngine(PolicyLoader.LoadFile(policyPath).Policy!, counters: store);
            foreach (var agent in (string[])["alice", "alice", "bob"])
            {
                var counted = await engine.TryConsumeAsync(
                    new ToolRequest { ToolName = "t", Agent = agent }, TestContext.Current.CancellationToken);
                Assert.True(counted.Decision.IsAllowed);
            }
        }

        var (code, output, _) = await CommandRunner.RunAsync(LimitsCommand.Create(), "--policy", policyPath, "--json");

        Assert.Equal(0, code);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var rows = json.RootElement.GetProperty("limits").EnumerateArray()
            .Select(r => (
                Scope: r.GetProperty("scope").GetString(),
                Per: r.GetProperty("per_values").GetProperty("agent").GetString()!,
                Used: r.GetProperty("used").GetInt32()))
            .ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("agent", r.Scope));
        Assert.Contains(rows, r => r.Per == "alice" && r.Used == 2);
        Assert.Contains(rows, r => r.Per == "bob" && r.Used == 1);
    }

    [Fact]
    public async Task Limits_InvalidPolicy_ExitsTwoWithTheErrorLine()
    {
        var policyPath = _directory.File("bad.yaml");
        await File.WriteAllTextAsync(
            policyPath, "version: 1\ndefault: allow\nstate:\n  store: redis\n", TestContext.Current.CancellationToken);

        var (code, _, error) = await CommandRunner.RunAsync(LimitsCommand.Create(), "--policy", policyPath);

        Assert.Equal(2, code);
        Assert.Contains("state.url", error);
    }

    [Theory]
    [InlineData]
    [InlineData("--reset", "x")]
    public async Task Limits_MemoryStore_SaysItCannotSeeAGuardsMemory(params string[] extra)
    {
        // Before, it showed 'used 0' from a fresh store of its own, and '--reset' audited a reset of nothing.
        var policyPath = _directory.File("memory.yaml");
        await File.WriteAllTextAsync(
            policyPath,
            "version: 1\ndefault: allow\nstate: { store: memory }\n"
                + "tools:\n  x: { action: allow, rate_limit: 5/minute }\n",
            TestContext.Current.CancellationToken);

        var (code, output, error) = await CommandRunner.RunAsync(
            LimitsCommand.Create(), ["--policy", policyPath, .. extra]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("mcpguard: the policy's store is memory: ", error, StringComparison.Ordinal);
        Assert.Equal(1, error.Count(c => c == '\n'));
    }
}
