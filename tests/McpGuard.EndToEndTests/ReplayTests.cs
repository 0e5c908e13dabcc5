using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// docs/testing.md: a real <c>mcpguard run</c> session against the Bybit simulator writes an audit log, then
/// <c>mcpguard replay</c> decides it again under a stricter policy and lists exactly the calls that change.
/// </summary>
public sealed class ReplayTests
{
    // The session's policy: the Bybit sample's envelope, without approvals (no person answers in a test).
    private const string Session = """
        version: 1
        default: deny
        risk: { read: allow }
        tools:
          place_order:
            rate_limit: 10/minute
            rules:
              - when: { symbol: [BTCUSDT, ETHUSDT], category: spot, qty: { lte: 0.01 } }
                action: allow
              - action: deny
                reason: Outside the small-order envelope.
          set_leverage:
            rules:
              - when: { buyLeverage: { lte: 5 }, sellLeverage: { lte: 5 } }
                action: allow
              - action: deny
                reason: Leverage is capped at 5x.
        """;

    // The edit under review: two orders a minute, leverage capped at 2x.
    private const string Stricter = """
        version: 1
        default: deny
        risk: { read: allow }
        tools:
          place_order:
            rate_limit: 2/minute
            rules:
              - when: { symbol: [BTCUSDT, ETHUSDT], category: spot, qty: { lte: 0.01 } }
                action: allow
              - action: deny
                reason: Outside the small-order envelope.
          set_leverage:
            rules:
              - when: { buyLeverage: { lte: 2 }, sellLeverage: { lte: 2 } }
                action: allow
              - action: deny
                reason: Leverage is capped at 2x.
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replay_RecordedSessionUnderAStricterPolicy_ListsExactlyTheChangedCalls()
    {
        var audit = Path.Combine(Path.GetTempPath(), $"mcpguard-replay-{Guid.NewGuid():n}.jsonl");
        var stricter = TempFiles.Write("stricter.yaml", Stricter);
        try
        {
            string sessionPolicy;
            await using (var guard = await GuardedServer.StartAsync(
                Session, GuardedServer.BybitSimulator(), guardOptions: ["--audit", audit]))
            {
                sessionPolicy = guard.PolicyPath;
                await CallAsync(guard, "get_tickers", new() { ["category"] = "spot", ["symbol"] = "BTCUSDT" });
                for (var i = 0; i < 3; i++)
                {
                    await CallAsync(guard, "place_order", MarketBuy("0.001"));
                }

                await CallAsync(guard, "set_leverage", Leverage("3"));
                await CallAsync(guard, "set_leverage", Leverage("1"));
                await CallAsync(guard, "place_order", MarketBuy("5"));
                File.Copy(sessionPolicy, sessionPolicy + ".kept", overwrite: true);
            }

            var (code, output, error) = await GuardCommand.RunAsync(
                "replay", "--policy", stricter, audit, "--json", "--fail-on-change");

            Assert.True(code == 1, $"exit {code}: {error}");
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            Assert.Equal(7, root.GetProperty("calls").GetInt32());
            Assert.Equal(7, root.GetProperty("replayed").GetInt32());
            var changes = root.GetProperty("changes").EnumerateArray()
                .Select(
                    c => $"{c.GetProperty("tool").GetString()}: "
                        + $"{c.GetProperty("old").GetProperty("decision").GetString()} "
                        + $"by {c.GetProperty("old").GetProperty("rule").GetString()}"
                        + $" -> {c.GetProperty("new").GetProperty("decision").GetString()} "
                        + $"by {c.GetProperty("new").GetProperty("rule").GetString()}")
                .ToList();
            Assert.Equal(
                [
                    "place_order: allow by tools.place_order.rules[0] -> deny by tools.place_order",
                    "set_leverage: allow by tools.set_leverage.rules[0] -> deny by tools.set_leverage.rules[1]",
                ],
                changes);

            var (same, text, _) = await GuardCommand.RunAsync(
                "replay", "--policy", sessionPolicy + ".kept", audit, "--fail-on-change");
            File.Delete(sessionPolicy + ".kept");
            Assert.Equal(0, same);
            Assert.Contains("0 changed, 7 unchanged, 0 not replayable", text);

            var (plain, report, _) = await GuardCommand.RunAsync("replay", "--policy", stricter, audit);
            TestContext.Current.TestOutputHelper?.WriteLine(report);
            Assert.Equal(0, plain);
            Assert.Contains("allow            → deny                  2", report);
            Assert.Contains(
                "place_order  allow by tools.place_order.rules[0] → deny by tools.place_order: rate limit of 2 per 1m",
                report);
        }
        finally
        {
            File.Delete(audit);
            File.Delete(stricter);
        }
    }

    [Fact]
    public async Task Replay_MissingAuditLog_ExitsTwo()
    {
        var policy = TempFiles.Write("policy.yaml", Session);
        try
        {
            var (code, _, error) = await GuardCommand.RunAsync(
                "replay", "--policy", policy, "/nonexistent/audit.jsonl");

            Assert.Equal(2, code);
            Assert.Contains("cannot read /nonexistent/audit.jsonl", error);
        }
        finally
        {
            File.Delete(policy);
        }
    }

    /// <summary>A spot market buy of BTCUSDT.</summary>
    private static Dictionary<string, object?> MarketBuy(string qty) => new()
    {
        ["category"] = "spot", ["symbol"] = "BTCUSDT", ["side"] = "Buy", ["orderType"] = "Market", ["qty"] = qty,
    };

    /// <summary>The same leverage both ways on the BTCUSDT perpetual.</summary>
    private static Dictionary<string, object?> Leverage(string times) => new()
    {
        ["category"] = "linear", ["symbol"] = "BTCUSDT", ["buyLeverage"] = times, ["sellLeverage"] = times,
    };

    private static async Task CallAsync(GuardedServer guard, string tool, Dictionary<string, object?> arguments) =>
        await guard.Client.CallToolAsync(tool, arguments, cancellationToken: Ct);
}
