namespace McpGuard.BybitSimulator;

/// <summary>Wallet, account and position settings.</summary>
internal sealed partial class SimulatorTools
{
    private object WalletBalance(Args args)
    {
        var accountType = args.Required("accountType");
        var coins = exchange.Wallet.Where(c => args.Str("coin") is not { } only || only.Split(',').Contains(c.Key));
        var equity = exchange.Wallet.Sum(
            c => c.Value * (c.Key == "USDT" ? 1 : exchange.Prices.GetValueOrDefault(c.Key + "USDT")));
        return new
        {
            list = new[]
            {
                new
                {
                    accountType,
                    totalEquity = Num(Math.Round(equity, 2)),
                    totalWalletBalance = Num(Math.Round(equity, 2)),
                    coin = coins.Select(
                        c => new { coin = c.Key, walletBalance = Num(c.Value), equity = Num(c.Value), locked = "0" }),
                },
            },
        };
    }

    private object CoinBalance(Args args)
    {
        var coin = args.Required("coin");
        return new
        {
            accountType = args.Required("accountType"),
            balance = new
            {
                coin,
                walletBalance = Num(exchange.Wallet.GetValueOrDefault(coin)),
                transferBalance = Num(exchange.Wallet.GetValueOrDefault(coin))
            }
        };
    }

    /// <summary>
    /// Account settings, and the API key the server signs with, as Bybit's key query (/v5/user/query-api) shows it:
    /// a read tool that echoes a credential, which the guard's result policy redacts (docs/results.md).
    /// </summary>
    private object AccountInfo() => new
    {
        apiKeyInfo = new
        {
            apiKey = "XuR8mK2pQ9vL3nT7wY",
            note = "agent",
            readOnly = 0,
            secret = "",
            ips = new[] { "*" }
        },
        unifiedMarginStatus = 4,
        marginMode = "REGULAR_MARGIN",
        isMasterTrader = false,
        spotHedgingStatus = "OFF",
        positionMode = exchange.PositionMode,
    };

    private object PositionInfo(Args args) => new
    {
        category = args.Required("category"),
        list = exchange.Positions.Values.Where(p => args.Str("symbol") is not { } s || p.Symbol == s).Select(p => new
        {
            symbol = p.Symbol,
            side = p.Side,
            size = Num(p.Size),
            avgPrice = Num(p.AvgPrice),
            markPrice = Num(exchange.Prices[p.Symbol]),
            leverage = Num(p.Leverage),
            tradeMode = p.TradeMode,
            positionIM = Num(p.PositionMargin),
            unrealisedPnl = Num(
                Math.Round((exchange.Prices[p.Symbol] - p.AvgPrice) * p.Size * (p.Side == "Sell" ? -1 : 1), 2)),
            takeProfit = p.TakeProfit,
            stopLoss = p.StopLoss,
            autoAddMargin = p.AutoAddMargin,
        }),
        nextPageCursor = "",
    };

    private object SetLeverage(Args args)
    {
        var position = exchange.Position(Symbol(args));
        var buy = args.Positive("buyLeverage");
        var sell = args.Positive("sellLeverage");
        if (buy > 100 || sell > 100)
        {
            throw new BybitException(10001, "params error: leverage must be between 1 and 100");
        }

        if (buy == position.Leverage)
        {
            throw new BybitException(110043, "leverage not modified");
        }

        position.Leverage = buy;
        return new { };
    }

    private object SwitchMargin(Args args)
    {
        var position = exchange.Position(Symbol(args));
        position.TradeMode = OneOf(
            args.Int("tradeMode"), [0, 1], "params error: tradeMode must be 0 (cross) or 1 (isolated)");
        position.Leverage = args.Positive("buyLeverage");
        args.Positive("sellLeverage");
        return new { };
    }

    private object SwitchPositionMode(Args args)
    {
        exchange.PositionMode = OneOf(args.Int("mode"), [0, 3], "params error: mode must be 0 (one-way) or 3 (hedge)");
        return new { };
    }

    private object SetTradingStop(Args args)
    {
        var position = exchange.Position(Symbol(args));
        position.TakeProfit = args.Str("takeProfit") ?? position.TakeProfit;
        position.StopLoss = args.Str("stopLoss") ?? position.StopLoss;
        return new { };
    }

    private object SetAutoAddMargin(Args args)
    {
        exchange.Position(Symbol(args)).AutoAddMargin = OneOf(
            args.Int("autoAddMargin"), [0, 1], "params error: autoAddMargin must be 0 or 1");
        return new { };
    }

    private object ModifyMargin(Args args)
    {
        var position = exchange.Position(Symbol(args));
        var margin = args.Decimal("margin") ?? throw new BybitException(10001, "params error: margin is required");
        if (position.Size == 0)
        {
            throw new BybitException(110021, "Position does not exist.");
        }

        position.PositionMargin += margin;
        return new { symbol = position.Symbol, positionIM = Num(position.PositionMargin) };
    }

    private static int OneOf(int? value, int[] allowed, string error) =>
        value is { } v && allowed.Contains(v) ? v : throw new BybitException(10001, error);
}
