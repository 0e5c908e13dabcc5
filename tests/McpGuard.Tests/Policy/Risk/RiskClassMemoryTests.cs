using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Risk;
using McpGuard.Session;

namespace McpGuard.Tests.Policy.Risk;

/// <summary>
/// Alone in its collection: it measures the heap, and other tests allocating beside it would blur that.
/// </summary>
[CollectionDefinition(nameof(RiskClassMemoryTests), DisableParallelization = true)]
public sealed class RiskClassMemoryGroup;

/// <summary>
/// A prompt-injected agent can call tools by any name. The compiled policy used to cache a risk class per name
/// called (60,000 random names grew a guard by 31 MiB); now nothing is kept for a name the server never listed.
/// </summary>
[Collection(nameof(RiskClassMemoryTests))]
public sealed class RiskClassMemoryTests
{
    private const string Policy = """
        version: 1
        default: deny
        risk: { read: allow, critical: hide }
        """;

    [Fact]
    public void Evaluate_60000RandomToolNames_KeepsNoMemoryPerName()
    {
        var loaded = PolicyLoader.LoadText(Policy, "test.yaml");
        Assert.True(loaded.Succeeded);
        var engine = new PolicyEngine(loaded.Policy);
        engine.Evaluate(new ToolRequest { ToolName = "warm_up" });

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 60_000; i++)
        {
            // Names like get_… are classified read (allowed by risk.read): the path a cache used to sit on.
            var decision = engine.Evaluate(new ToolRequest { ToolName = $"get_{Guid.NewGuid():n}_{Guid.NewGuid():n}" });
            Assert.Equal(Verdict.Allow, decision.Verdict);
        }

        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(engine);
        Assert.True(grown < 4 * 1024 * 1024, $"the engine kept {grown / 1024} KiB after 60,000 made-up names");
    }

    [Fact]
    public void TryGetRisk_NameNeverListed_IsFalseAndListedToolsKeepTheirClass()
    {
        var loaded = PolicyLoader.LoadText(Policy, "test.yaml");
        Assert.True(loaded.Succeeded);
        var catalog = new ToolCatalog();
        catalog.AddPage(
            [new ListedTool("get_tickers", null), new ListedTool("withdraw", new ToolHints { ReadOnlyHint = true })],
            isLastPage: true);

        Assert.False(catalog.TryGetRisk("made_up_name", loaded.Policy, null, out _));
        Assert.True(catalog.TryGetRisk("get_tickers", loaded.Policy, null, out var read));
        Assert.True(catalog.TryGetRisk("withdraw", loaded.Policy, null, out var critical));

        Assert.Equal(RiskClass.Read, read);
        Assert.Equal(RiskClass.Critical, critical);
        Assert.False(catalog.TryGetRisk("made_up_name", loaded.Policy, null, out _));
    }
}
