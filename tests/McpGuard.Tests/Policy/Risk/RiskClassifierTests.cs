using McpGuard.Policy.Risk;

namespace McpGuard.Tests.Policy.Risk;

public sealed class RiskClassifierTests
{
    private static readonly string[] s_bybitTools =
    [
        "get_server_time", "get_tickers", "get_order_book", "get_recent_trades", "get_kline", "get_mark_price_kline",
        "get_index_price_kline", "get_premium_index_price_kline", "get_instruments_info", "get_funding_rate_history",
        "get_open_interest", "get_insurance", "get_risk_limit", "get_long_short_ratio", "place_order", "amend_order",
        "cancel_order", "cancel_all_orders", "batch_place_order", "batch_amend_order", "batch_cancel_order",
        "place_trigger_order", "get_open_closed_orders", "get_order_history", "get_trade_history", "get_wallet_balance",
        "get_single_coin_balance", "get_account_info", "get_position_info", "get_closed_pnl", "set_leverage",
        "switch_cross_isolated_margin", "switch_position_mode", "set_trading_stop", "set_auto_add_margin",
        "modify_position_margin",
    ];

    [Fact]
    public void Classify_BybitCatalogue_Has2Critical1Destructive11Write22Read()
    {
        var bybit = RiskCatalogues.Bybit;
        var counts = s_bybitTools.GroupBy(t => RiskClassifier.Classify(t, null, bybit))
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(36, s_bybitTools.Length);
        Assert.Equal(s_bybitTools.Order(), bybit.Classes.Keys.Order());
        Assert.Equal(
            (2, 1, 11, 22),
            (
                counts[RiskClass.Critical], counts[RiskClass.Destructive], counts[RiskClass.Write],
                counts[RiskClass.Read]));
        Assert.Equal(RiskClass.Critical, RiskClassifier.Classify("batch_cancel_order", null, bybit));
        Assert.Equal(RiskClass.Destructive, RiskClassifier.Classify("cancel_order", null, bybit));
    }

    [Fact]
    public void Classify_BybitToolNamesOnAnotherServer_ByTheirVerbsNotTheCatalogue()
    {
        // set_trading_stop is write in the Bybit catalogue; another server's tool of that name is judged by its
        // words, and "stop" is a destructive verb.
        var policy = PolicyTestData.Load("version: 1\ndefault: deny\n");

        Assert.Equal(RiskClass.Write, policy.Classify("set_trading_stop", null, "bybit-mcp"));
        Assert.Equal(RiskClass.Write, policy.Classify("set_trading_stop", null, "Bybit-Simulator"));
        Assert.Equal(RiskClass.Destructive, policy.Classify("set_trading_stop", null, "filesystem"));
        Assert.Equal(RiskClass.Destructive, policy.Classify("set_trading_stop", null, null));
    }

    [Fact]
    public void Classify_BybitToolsWithoutTheCatalogue_NoneIsUnknownAndNoneIsBelowItsClass()
    {
        // A Bybit server that does not call itself bybit-mcp (a fork, a wrapper) is classified by words alone:
        // that must never make a trading tool unknown or less dangerous than the catalogue says.
        var bybit = RiskCatalogues.Bybit;

        Assert.All(s_bybitTools, name =>
        {
            var byWords = RiskClassifier.Classify(name, null, null);
            Assert.NotEqual(RiskClass.Unknown, byWords);
            Assert.True(
                byWords >= bybit.Classes[name], $"{name}: {byWords} by words, {bybit.Classes[name]} in the catalogue");
        });
    }

    [Theory]
    [InlineData("list_files", RiskClass.Read)]
    [InlineData("get-sum", RiskClass.Read)]
    [InlineData("create_issue", RiskClass.Write)]
    [InlineData("delete_file", RiskClass.Destructive)]
    [InlineData("delete_all_files", RiskClass.Critical)]
    [InlineData("withdraw", RiskClass.Critical)]
    [InlineData("transfer_funds", RiskClass.Critical)]
    [InlineData("frobnicate", RiskClass.Unknown)]
    [InlineData("batch_place_order", RiskClass.Write)] // a batch of writes is at least a write
    [InlineData("batch_amend_order", RiskClass.Write)]
    [InlineData("bulk_update_items", RiskClass.Write)]
    [InlineData("place_many_orders", RiskClass.Write)]
    [InlineData("batch_cancel_order", RiskClass.Critical)] // a batch of destructive calls stays critical
    [InlineData("bulk_delete_files", RiskClass.Critical)]
    [InlineData("cancel_all_orders", RiskClass.Critical)]
    [InlineData("batch_get_prices", RiskClass.Read)]
    [InlineData("batch_frobnicate", RiskClass.Unknown)]
    [InlineData("batch", RiskClass.Unknown)]
    public void Classify_OtherServers_ByVerbs(string name, RiskClass expected) =>
        Assert.Equal(expected, RiskClassifier.Classify(name, null, null));

    [Fact]
    public void Classify_Annotations_RaiseButNeverLower()
    {
        Assert.Equal(
            RiskClass.Destructive,
            RiskClassifier.Classify("get_thing", new ToolHints { DestructiveHint = true }, null));
        Assert.Equal(
            RiskClass.Critical,
            RiskClassifier.Classify(
                "cancel_all_orders", new ToolHints { ReadOnlyHint = true, DestructiveHint = false },
                RiskCatalogues.Bybit));
        Assert.Equal(
            RiskClass.Destructive, RiskClassifier.Classify("delete_file", new ToolHints { ReadOnlyHint = true }, null));
    }

    [Fact]
    public void Policy_CanSetClassesAndHideAClass()
    {
        var policy = PolicyTestData.Load(
            "version: 1\ndefault: deny\nrisk:\n  critical: hide\n  classes:\n    frobnicate: critical\n");

        Assert.True(policy.IsHidden("frobnicate", policy.Classify("frobnicate", null, null)));
        Assert.True(policy.IsHidden("cancel_all_orders", policy.Classify("cancel_all_orders", null, null)));
        Assert.False(policy.IsHidden("get_tickers", policy.Classify("get_tickers", null, null)));
        Assert.False(policy.IsHidden("frobnicate"));
    }
}
