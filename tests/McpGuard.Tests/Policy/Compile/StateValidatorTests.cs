using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;

namespace McpGuard.Tests.Policy.Compile;

/// <summary>
/// The <c>state</c> block, <c>per</c> and <c>scope</c>, as a spec: every rejection names the line and the YAML path.
/// </summary>
public sealed class StateValidatorTests
{
    private static CompiledPolicy Accepted(string yaml)
    {
        var result = PolicyLoader.LoadText(yaml, "p.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    private static PolicyError Rejected(string yaml, string path)
    {
        var result = PolicyLoader.LoadText(yaml, "p.yaml");
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        Assert.Equal("p.yaml", error.File);
        Assert.True(error.Line > 0);
        return error;
    }

    [Fact]
    public void Accepts_NoStateBlock_AsSqliteInTheDefaultPlaceDenyingWhenUnavailable()
    {
        var policy = Accepted("version: 1\ndefault: deny\n");

        Assert.Equal(StateStoreKind.Sqlite, policy.State.Store);
        Assert.Null(policy.State.Path);
        Assert.Equal(UnavailableStoreAction.Deny, policy.State.OnUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.State.Timeout);
        Assert.Equal(Path.GetFullPath("p.yaml"), policy.CounterNamespace);
    }

    [Fact]
    public void Accepts_FullRedisState()
    {
        var policy = Accepted(
            "version: 1\ndefault: deny\nstate:\n  store: redis\n  url: redis://127.0.0.1:6379/2\n"
                + "  namespace: bybit-main\n  on_unavailable: allow\n  timeout: 500ms\n");

        Assert.Equal(StateStoreKind.Redis, policy.State.Store);
        Assert.Equal("redis://127.0.0.1:6379/2", policy.State.Url);
        Assert.Equal("bybit-main", policy.CounterNamespace);
        Assert.Equal(UnavailableStoreAction.Allow, policy.State.OnUnavailable);
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.State.Timeout);
    }

    [Fact]
    public void Accepts_PerAndScope()
    {
        var policy = Accepted(
            "version: 1\ndefault: deny\ntools:\n  t:\n    budget: { argument: qty,"
                + " max: 0.5, window: 24h, per: symbol }\n    rate_limit: { max: 10, window: 1m,"
                + " per: [account, order.symbol], scope: session }\n    action: allow\n");
        var entry = Assert.Single(policy.Entries);

        Assert.Equal("symbol", Assert.Single(entry.Budget!.Per).Text);
        Assert.Equal(CounterScope.Shared, entry.Budget.Scope);
        Assert.Equal(["account", "order.symbol"], entry.RateLimit!.Per.Select(p => p.Text));
        Assert.Equal(CounterScope.Session, entry.RateLimit.Scope);
    }

    [Fact]
    public void Accepts_AgentScope()
    {
        var policy = Accepted(
            "version: 1\ndefault: deny\ntools:\n  t:\n"
                + "    budget: { argument: qty, max: 1, window: 1h, scope: agent }\n    action: allow\n");

        Assert.Equal(CounterScope.Agent, Assert.Single(policy.Entries).Budget!.Scope);
    }

    [Theory]
    [InlineData("state: sqlite\n", "state")]
    [InlineData("state:\n  store: postgres\n", "state.store")]
    [InlineData("state:\n  store: redis\n", "state.url")]
    [InlineData("state:\n  store: redis\n  url: http://x:1\n", "state.url")]
    [InlineData("state:\n  url: redis://x:1\n", "state.url")]
    [InlineData("state:\n  store: redis\n  url: redis://x:1\n  path: a.db\n", "state.path")]
    [InlineData("state:\n  namespace: ''\n", "state.namespace")]
    [InlineData("state:\n  on_unavailable: maybe\n", "state.on_unavailable")]
    [InlineData("state:\n  timeout: 5m\n", "state.timeout")]
    [InlineData("state:\n  stor: memory\n", "state.stor")]
    public void Rejects_BadState(string state, string path) => Rejected("version: 1\ndefault: deny\n" + state, path);

    [Theory]
    [InlineData("budget: { argument: qty, max: 1, window: 1h, per: 'items[*].symbol' }", "tools.t.budget.per")]
    [InlineData("budget: { argument: qty, max: 1, window: 1h, per: [] }", "tools.t.budget.per")]
    [InlineData("budget: { argument: qty, max: 1, window: 1h, scope: everywhere }", "tools.t.budget.scope")]
    [InlineData("rate_limit: { max: 1, window: 1h, per: 'a..b' }", "tools.t.rate_limit.per")]
    [InlineData("rate_limit: { max: 1, window: 1h, scope: global }", "tools.t.rate_limit.scope")]
    public void Rejects_BadPerOrScope(string limit, string path) =>
        Rejected($"version: 1\ndefault: deny\ntools:\n  t:\n    {limit}\n    action: allow\n", path);
}
