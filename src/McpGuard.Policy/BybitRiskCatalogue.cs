namespace McpGuard.Policy;

/// <summary>
/// The Bybit server's (bcusack/bybit-py-mcp) 36 tools by risk: 2 critical, 1 destructive, 11 write, 22 read.
/// Applied by exact name, whatever server lists them.
/// </summary>
internal static class BybitRiskCatalogue
{
    public static IReadOnlyDictionary<string, RiskClass> Classes { get; } = new Dictionary<string, RiskClass>(StringComparer.Ordinal)
    {
        ["get_server_time"] = RiskClass.Read,
        ["get_tickers"] = RiskClass.Read,
        ["get_order_book"] = RiskClass.Read,
        ["get_recent_trades"] = RiskClass.Read,
        ["get_kline"] = RiskClass.Read,
        ["get_mark_price_kline"] = RiskClass.Read,
        ["get_index_price_kline"] = RiskClass.Read,
        ["get_premium_index_price_kline"] = RiskClass.Read,
        ["get_instruments_info"] = RiskClass.Read,
        ["get_funding_rate_history"] = RiskClass.Read,
        ["get_open_interest"] = RiskClass.Read,
        ["get_insurance"] = RiskClass.Read,
        ["get_risk_limit"] = RiskClass.Read,
        ["get_long_short_ratio"] = RiskClass.Read,
        ["place_order"] = RiskClass.Write,
        ["amend_order"] = RiskClass.Write,
        ["cancel_order"] = RiskClass.Destructive,
        ["cancel_all_orders"] = RiskClass.Critical,
        ["batch_place_order"] = RiskClass.Write,
        ["batch_amend_order"] = RiskClass.Write,
        ["batch_cancel_order"] = RiskClass.Critical,
        ["place_trigger_order"] = RiskClass.Write,
        ["get_open_closed_orders"] = RiskClass.Read,
        ["get_order_history"] = RiskClass.Read,
        ["get_trade_history"] = RiskClass.Read,
        ["get_wallet_balance"] = RiskClass.Read,
        ["get_single_coin_balance"] = RiskClass.Read,
        ["get_account_info"] = RiskClass.Read,
        ["get_position_info"] = RiskClass.Read,
        ["get_closed_pnl"] = RiskClass.Read,
        ["set_leverage"] = RiskClass.Write,
        ["switch_cross_isolated_margin"] = RiskClass.Write,
        ["switch_position_mode"] = RiskClass.Write,
        ["set_trading_stop"] = RiskClass.Write,
        ["set_auto_add_margin"] = RiskClass.Write,
        ["modify_position_margin"] = RiskClass.Write,
    };
}
