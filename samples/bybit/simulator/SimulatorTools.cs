using System.Globalization;
using System.Text.Json;
using McpGuard.BybitSimulator.Exchange;
using ModelContextProtocol.Protocol;

namespace McpGuard.BybitSimulator;

/// <summary>
/// Answers tool calls the way the Bybit server does: a text block holding Bybit v5 JSON
/// (<c>{"retCode":0,"retMsg":"OK","result":{...}}</c>); a request the exchange would refuse gets its retCode and
/// isError.
/// </summary>
internal sealed partial class SimulatorTools(SimulatedExchange exchange)
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    public CallToolResult Call(string name, IDictionary<string, JsonElement>? arguments)
    {
        var args = new Args(arguments ?? new Dictionary<string, JsonElement>());
        lock (exchange.Sync)
        {
            exchange.Tick();
            try
            {
                return Ok(Dispatch(name, args));
            }
            catch (BybitException ex)
            {
                return Reply(
                    new
                    {
                        retCode = ex.Code,
                        retMsg = ex.Message,
                        result = new { },
                        retExtInfo = new { },
                        time = SimulatedExchange.Now
                    },
                    isError: true);
            }
        }
    }

    private object Dispatch(string name, Args args) => name switch
    {
        "get_server_time" => ServerTime(),
        "get_tickers" => Tickers(args),
        "get_order_book" => OrderBook(args),
        "get_recent_trades" => RecentTrades(args),
        "get_kline" or "get_mark_price_kline" or "get_index_price_kline" or "get_premium_index_price_kline" => Klines(
            name, args),
        "get_instruments_info" => Instruments(args),
        "get_funding_rate_history" => FundingHistory(args),
        "get_open_interest" => OpenInterest(args),
        "get_insurance" => Insurance(),
        "get_risk_limit" => RiskLimit(args),
        "get_long_short_ratio" => LongShortRatio(args),
        "place_order" => PlaceOrder(args),
        "amend_order" => AmendOrder(args),
        "cancel_order" => CancelOrder(args),
        "cancel_all_orders" => CancelAll(args),
        "batch_place_order" => Batch(args, item => PlaceOrder(item)),
        "batch_amend_order" => Batch(args, item => AmendOrder(item)),
        "batch_cancel_order" => Batch(args, item => CancelOrder(item)),
        "place_trigger_order" => PlaceOrder(args, trigger: true),
        "get_open_closed_orders" => OrderList(args, openOnly: args.Int("openOnly") != 1),
        "get_order_history" => OrderList(args, openOnly: false),
        "get_trade_history" => TradeHistory(args),
        "get_wallet_balance" => WalletBalance(args),
        "get_single_coin_balance" => CoinBalance(args),
        "get_account_info" => AccountInfo(),
        "get_position_info" => PositionInfo(args),
        "get_closed_pnl" => new { category = args.Str("category"), list = Array.Empty<object>(), nextPageCursor = "" },
        "set_leverage" => SetLeverage(args),
        "switch_cross_isolated_margin" => SwitchMargin(args),
        "switch_position_mode" => SwitchPositionMode(args),
        "set_trading_stop" => SetTradingStop(args),
        "set_auto_add_margin" => SetAutoAddMargin(args),
        "modify_position_margin" => ModifyMargin(args),
        _ => throw new BybitException(10404, $"Unknown tool: {name}"),
    };

    private static CallToolResult Ok(object result) =>
        Reply(
            new { retCode = 0, retMsg = "OK", result, retExtInfo = new { }, time = SimulatedExchange.Now },
            isError: false);

    private static CallToolResult Reply(object body, bool isError) => new()
    {
        Content = [new TextContentBlock { Text = JsonSerializer.Serialize(body, s_json) }],
        IsError = isError ? true : null,
    };

    private string Symbol(Args args)
    {
        var symbol = args.Required("symbol");
        return exchange.Prices.ContainsKey(symbol)
            ? symbol
            : throw new BybitException(10001, $"params error: symbol invalid: {symbol}");
    }

    private static string Num(decimal value) => value.ToString("0.########", CultureInfo.InvariantCulture);
}
