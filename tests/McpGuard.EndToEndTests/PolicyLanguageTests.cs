using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests;

/// <summary>
/// Every construct of the policy language (docs/policy.md) through the real <c>mcpguard run</c> around the Bybit
/// simulator: precedence, matchers, paths, fail-closed numbers, limits and monitor mode. The unit tests hold
/// the full tables; these show the same decisions reach a real client.
/// </summary>
public sealed class PolicyLanguageTests(
    PolicyLanguageTests.LanguageGuard shared) : IClassFixture<PolicyLanguageTests.LanguageGuard>
{
    public const string Language = """
        version: "1"
        default: deny
        hide: [batch_cancel_order, "get_*_kline"]
        risk:
          critical: hide
          read: allow
          destructive: require_approval
        tools:
          "get_wallet_*": deny                 # a glob beats the read class
          get_wallet_balance: allow             # an exact name beats the glob
          "get_open_*": { action: deny, reason: Order lists are off today. }
          "get_open_closed_*": allow            # the more specific glob wins
          place_order:
            rules:
              - when: { symbol: [BTCUSDT, ETHUSDT], category: spot, qty: { lte: 0.01 } }
                action: allow
              - when: { orderLinkId: { regex: '^bot-[0-9]+$' }, price: { exists: true }, side: { ne: Sell } }
                action: allow
              - when: { category: { not_in: [spot, linear] } }
                action: deny
                reason: Only spot and linear markets.
            action: deny
          batch_place_order:
            rules:
              - when: { "request[*].qty": { lt: 0.02 }, "request[*].symbol": { in: [BTCUSDT] } }
                action: allow
          set_leverage:
            rules:
              - when: { buyLeverage: { gt: 5 } }
                action: deny
                reason: Leverage is capped at 5x.
              - action: allow
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_HideAndRisk_ToolsGoneFromTheListAndUnknownWhenCalled()
    {
        await using var guard = await GuardedServer.StartAsync(Language, GuardedServer.BybitSimulator());

        var names = (await guard.Client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).ToList();
        var unknown = await Assert.ThrowsAsync<McpProtocolException>(
            () => guard.Client.CallToolAsync("cancel_all_orders", Args(("category", "spot")), cancellationToken: Ct)
                .AsTask());

        Assert.DoesNotContain("batch_cancel_order", names);                           // by name
        Assert.DoesNotContain("cancel_all_orders", names);                            // critical: hide
        Assert.DoesNotContain("get_mark_price_kline", names);                         // by glob
        Assert.DoesNotContain("get_premium_index_price_kline", names);
        Assert.Contains("get_kline", names);                                          // get_*_kline needs a middle
        Assert.Equal(36 - 2 - 3, names.Count);
        Assert.Equal(McpErrorCode.InvalidParams, unknown.ErrorCode);
        Assert.Contains("Unknown tool: cancel_all_orders", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get_tickers", """{"category":"spot"}""", null)]                                   // risk read: allow
    [InlineData("get_wallet_balance", """{"accountType":"UNIFIED"}""", null)]                      // exact beats glob
    // Not matched by get_wallet_*: read.
    [InlineData("get_single_coin_balance", """{"accountType":"UNIFIED","coin":"BTC"}""", null)]
    [InlineData("get_open_closed_orders", """{"category":"spot"}""", null)]                        // most specific glob
    [InlineData(
        "get_open_interest", """{"category":"linear","symbol":"BTCUSDT","interval":"1h"}""",
        "Order lists are off today.")]
    [InlineData(
        "place_order", """{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.01"}""",
        null)]
    // qty as a JSON number.
    [InlineData(
        "place_order", """{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":0.005}""",
        null)]
    [InlineData(
        "place_order", """{"category":"spot","symbol":"SOLUSDT","side":"Buy","orderType":"Market","qty":"0.01"}""",
        "tools.place_order")]
    [InlineData(
        "place_order",
        """{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.0100000000000000000001"}""",
        "tools.place_order")]
    [InlineData(
        "place_order", """{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"1e-3"}""",
        "argument 'qty' cannot be compared")]
    [InlineData(
        "place_order", """{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":" 0.01"}""",
        "argument 'qty' cannot be compared")]
    [InlineData(
        "place_order", """{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market"}""",
        "argument 'qty'")]
    [InlineData(
        "place_order",
        """
        {"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"1","price":"1",
         "orderLinkId":"bot-42"}
        """,
        null)]
    [InlineData(
        "place_order",
        """
        {"category":"linear","symbol":"BTCUSDT","side":"Sell","orderType":"Limit","qty":"1","price":"1",
         "orderLinkId":"bot-42"}
        """,
        "tools.place_order")]
    [InlineData(
        "place_order",
        """
        {"category":"inverse","symbol":"BTCUSD","side":"Buy","orderType":"Limit","qty":"1","price":"1",
         "orderLinkId":"manual"}
        """,
        "Only spot and linear markets.")]
    [InlineData(
        "batch_place_order",
        """{"category":"spot","request":[{"symbol":"BTCUSDT","qty":"0.01"},{"symbol":"BTCUSDT","qty":0.001}]}""", null)]
    [InlineData(
        "batch_place_order",
        """{"category":"spot","request":[{"symbol":"BTCUSDT","qty":"0.01"},{"symbol":"BTCUSDT","qty":"0.5"}]}""",
        "tools.batch_place_order")]
    [InlineData("batch_place_order", """{"category":"spot","request":[]}""", "cannot be")]
    [InlineData(
        "set_leverage", """{"category":"linear","symbol":"BTCUSDT","buyLeverage":"25","sellLeverage":"25"}""",
        "Leverage is capped at 5x.")]
    [InlineData(
        "set_leverage", """{"category":"linear","symbol":"BTCUSDT","buyLeverage":"5","sellLeverage":"5"}""", null)]
    [InlineData("get_server_time", "{}", null)]
    // A write class with no risk decision: the default.
    [InlineData("switch_position_mode", """{"category":"linear","mode":0}""", "default")]
    public async Task Run_CallDecidedByThePolicy_ForwardedOrDeniedWithTheReason(
        string tool, string argumentsJson, string? deniedBecause)
    {
        // Decisions without limits hold no state, so one guard serves every row.
        var guard = await shared.GetAsync();

        var result = await guard.Client.CallToolAsync(tool, Json(argumentsJson), cancellationToken: Ct);
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

        if (deniedBecause is null)
        {
            Assert.False(text.StartsWith("Denied by policy", StringComparison.Ordinal), text);
        }
        else
        {
            Assert.True(result.IsError);
            Assert.StartsWith("Denied by policy: ", text, StringComparison.Ordinal);
            Assert.Contains(deniedBecause, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_RateLimitBudgetAndGlobalLimit_CountOnlyForwardedCallsAndGiveTheWait()
    {
        const string policy = """
            version: 1
            default: allow
            tools:
              place_order:
                action: allow
                rate_limit: 3/minute
                budget: { argument: qty, max: 0.02, window: 24h }
              get_tickers:
                action: allow
                rate_limit: { max: 2, window: 1h }
            limits:
              rate_limit: { max: 6, window: 1m }
            """;
        await using var guard = await GuardedServer.StartAsync(policy, GuardedServer.BybitSimulator());

        var first = await OrderAsync(guard.Client, "0.01");
        var second = await OrderAsync(guard.Client, "0.01");
        var overBudget = await OrderAsync(guard.Client, "0.001");     // 0.021 > 0.02: refused, and not counted
        var notANumber = await OrderAsync(guard.Client, "a lot");    // cannot be summed: refused, not counted
        var tickers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tickers.Add(await CallTextAsync(guard.Client, "get_tickers", Args(("category", "spot"))));
        }

        var fifth = await CallTextAsync(guard.Client, "get_server_time", Args());
        var sixth = await CallTextAsync(guard.Client, "get_server_time", Args());
        var seventh = await CallTextAsync(guard.Client, "get_server_time", Args());

        Assert.DoesNotContain("Denied", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Denied", second, StringComparison.Ordinal);
        Assert.Contains("budget", overBudget, StringComparison.Ordinal);
        Assert.Contains("argument 'qty'", notANumber, StringComparison.Ordinal);
        Assert.DoesNotContain("Denied", tickers[1], StringComparison.Ordinal);
        Assert.Matches("rate limit of 2 per 1h for get_tickers reached; retry after [0-9]+", tickers[2]);
        // Forwarded so far: 2 orders and 2 tickers; refused calls did not count towards the global 6.
        Assert.DoesNotContain("Denied", fifth, StringComparison.Ordinal);
        Assert.DoesNotContain("Denied", sixth, StringComparison.Ordinal);
        Assert.Matches("global rate limit of .* reached; retry after [0-9]+", seventh);
    }

    [Fact]
    public async Task Run_Monitor_DecidesAndLogsButBlocksOnlyHiddenTools()
    {
        const string policy = """
            version: 1
            default: deny
            hide: [batch_cancel_order]
            """;
        await using var guard = await GuardedServer.StartAsync(
            policy, GuardedServer.BybitSimulator(), guardOptions: ["--monitor"]);

        var wouldBeDenied = await CallTextAsync(guard.Client, "get_server_time", Args());
        var hidden = await Assert.ThrowsAsync<McpProtocolException>(
            () => guard.Client.CallToolAsync("batch_cancel_order", Args(("category", "spot")), cancellationToken: Ct)
                .AsTask());

        Assert.DoesNotContain("Denied", wouldBeDenied, StringComparison.Ordinal);
        Assert.Contains("timeSecond", wouldBeDenied, StringComparison.Ordinal);
        Assert.Equal(McpErrorCode.InvalidParams, hidden.ErrorCode);
        // The log says what happened (forwarded) and what the policy would have done, never "Denied" for a call
        // that ran.
        Assert.Contains(
            guard.Stderr,
            line => line.Contains("Monitor mode: forwarded tool get_server_time", StringComparison.Ordinal)
                && line.Contains("default", StringComparison.Ordinal));
        Assert.DoesNotContain(
            guard.Stderr, line => line.Contains("Denied tool get_server_time", StringComparison.Ordinal));
    }

    private static Task<string> OrderAsync(McpClient client, string qty) =>
        CallTextAsync(
            client, "place_order",
            Args(("category", "spot"), ("symbol", "BTCUSDT"), ("side", "Buy"), ("orderType", "Market"), ("qty", qty)));

    private static async Task<string> CallTextAsync(
        McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        return string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
    }

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] arguments) =>
        arguments.ToDictionary(a => a.Name, a => a.Value);

    private static Dictionary<string, object?> Json(string argumentsJson) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(argumentsJson)!
            .ToDictionary(p => p.Key, p => (object?)p.Value);

    /// <summary>One guard around the simulator with <see cref="Language"/>, started on first use.</summary>
    public sealed class LanguageGuard : IAsyncDisposable
    {
        private readonly SemaphoreSlim _starting = new(1, 1);
        private GuardedServer? _guard;

        internal async Task<GuardedServer> GetAsync()
        {
            await _starting.WaitAsync(Ct);
            try
            {
                return _guard ??= await GuardedServer.StartAsync(Language, GuardedServer.BybitSimulator());
            }
            finally
            {
                _starting.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_guard is not null)
            {
                await _guard.DisposeAsync();
            }

            _starting.Dispose();
        }
    }
}
