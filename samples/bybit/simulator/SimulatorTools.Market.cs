using System.Globalization;
using McpGuard.BybitSimulator.Exchange;

namespace McpGuard.BybitSimulator;

/// <summary>Public market data: derived from the current simulated prices.</summary>
internal sealed partial class SimulatorTools
{
    private static object ServerTime()
    {
        var now = DateTimeOffset.UtcNow;
        return new
        {
            timeSecond = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            timeNano = (now.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture)
        };
    }

    private object Tickers(Args args)
    {
        var symbols = args.Str("symbol") is { } _ ? [Symbol(args)] : exchange.Prices.Keys.ToList();
        return new
        {
            category = args.Str("category") ?? "linear",
            list = symbols.Select(s => new
            {
                symbol = s,
                lastPrice = Num(exchange.Prices[s]),
                bid1Price = Num(exchange.Prices[s] - 0.1m),
                ask1Price = Num(exchange.Prices[s] + 0.1m),
                price24hPcnt = Num(Math.Round((decimal)(exchange.NextDouble() - 0.5) * 0.06m, 4)),
                volume24h = Num(Math.Round((decimal)exchange.NextDouble() * 100_000m, 2)),
            }),
        };
    }

    private object OrderBook(Args args)
    {
        var symbol = Symbol(args);
        var depth = Math.Clamp(args.Int("limit") ?? 25, 1, 200);
        var mid = exchange.Prices[symbol];
        return new
        {
            s = symbol,
            b = Enumerable.Range(1, depth)
                .Select(i => new[] { Num(mid - (i * 0.5m)), Num(Math.Round((decimal)exchange.NextDouble() * 3, 3)) }),
            a = Enumerable.Range(1, depth)
                .Select(i => new[] { Num(mid + (i * 0.5m)), Num(Math.Round((decimal)exchange.NextDouble() * 3, 3)) }),
            ts = SimulatedExchange.Now,
        };
    }

    private object RecentTrades(Args args)
    {
        var symbol = Symbol(args);
        return new
        {
            category = args.Str("category") ?? "linear",
            list = Enumerable.Range(0, Math.Clamp(args.Int("limit") ?? 10, 1, 60)).Select(i => new
            {
                execId = $"pub-{i}",
                symbol,
                price = Num(exchange.Prices[symbol] * (1 + ((decimal)(exchange.NextDouble() - 0.5) * 0.001m))),
                size = Num(Math.Round((decimal)exchange.NextDouble(), 3)),
                side = exchange.NextDouble() < 0.5 ? "Buy" : "Sell",
                time = (SimulatedExchange.Now - (i * 1000)).ToString(CultureInfo.InvariantCulture),
            }),
        };
    }

    private object Klines(string kind, Args args)
    {
        var symbol = Symbol(args);
        var count = Math.Clamp(args.Int("limit") ?? 20, 1, 200);
        var price = exchange.Prices[symbol] * (kind.Contains("premium", StringComparison.Ordinal) ? 0.0001m : 1m);
        var rows = new List<string[]>();
        for (var i = 0; i < count; i++)
        {
            var open = price * (1 + ((decimal)(exchange.NextDouble() - 0.5) * 0.01m));
            var close = price * (1 + ((decimal)(exchange.NextDouble() - 0.5) * 0.01m));
            rows.Add(
                [
                    (SimulatedExchange.Now - (i * 60_000)).ToString(CultureInfo.InvariantCulture), Num(open),
                    Num(Math.Max(open, close) * 1.002m), Num(Math.Min(open, close) * 0.998m), Num(close),
                    Num(Math.Round((decimal)exchange.NextDouble() * 50, 3))]);
        }

        return new { category = args.Str("category") ?? "linear", symbol, list = rows };
    }

    private object Instruments(Args args) => new
    {
        category = args.Str("category") ?? "linear",
        list = (args.Str("symbol") is { } ? [Symbol(args)] : exchange.Prices.Keys.ToList()).Select(s => new
        {
            symbol = s,
            status = "Trading",
            baseCoin = s[..^4],
            quoteCoin = "USDT",
            lotSizeFilter = new { minOrderQty = "0.001", maxOrderQty = "100", qtyStep = "0.001" },
            priceFilter = new { tickSize = "0.1" },
            leverageFilter = new { minLeverage = "1", maxLeverage = "100", leverageStep = "0.01" },
        }),
        nextPageCursor = "",
    };

    private object FundingHistory(Args args)
    {
        var symbol = Symbol(args);
        return new
        {
            category = "linear",
            list = Enumerable.Range(0, 5).Select(i => new
            {
                symbol,
                fundingRate = Num(Math.Round((decimal)(exchange.NextDouble() - 0.3) * 0.0002m, 6)),
                fundingRateTimestamp =
                    (SimulatedExchange.Now - (i * 28_800_000L)).ToString(CultureInfo.InvariantCulture)
            }),
        };
    }

    private object OpenInterest(Args args)
    {
        var symbol = Symbol(args);
        return new
        {
            category = "linear",
            symbol,
            list = Enumerable.Range(0, 5)
                .Select(
                    i => new
                    {
                        openInterest = Num(Math.Round(50_000m + ((decimal)exchange.NextDouble() * 1000m), 2)),
                        timestamp = (SimulatedExchange.Now - (i * 3_600_000L)).ToString(CultureInfo.InvariantCulture)
                    }),
            nextPageCursor = "",
        };
    }

    private static object Insurance() => new
    {
        updatedTime = SimulatedExchange.Now.ToString(CultureInfo.InvariantCulture),
        list = new[]
        {
            new { coin = "USDT", balance = "1234567.89", value = "1234567.89" },
            new { coin = "BTC", balance = "321.5", value = "31264375.75" }
        },
    };

    private static readonly int[] s_tiers = [1, 2, 3];

    private static object RiskLimit(Args args) => new
    {
        category = args.Str("category") ?? "linear",
        list = s_tiers.Select(
            tier => new
            {
                id = tier,
                symbol = args.Str("symbol") ?? "BTCUSDT",
                riskLimitValue = Num(2_000_000m * tier),
                maintenanceMargin = Num(0.005m * tier),
                initialMargin = Num(0.01m * tier),
                maxLeverage = Num(100m / tier)
            }),
    };

    private object LongShortRatio(Args args)
    {
        var symbol = Symbol(args);
        return new
        {
            list = Enumerable.Range(0, 5).Select(i =>
            {
                var buy = Math.Round(0.4m + ((decimal)exchange.NextDouble() * 0.2m), 4);
                return new
                {
                    symbol,
                    buyRatio = Num(buy),
                    sellRatio = Num(1 - buy),
                    timestamp = (SimulatedExchange.Now - (i * 300_000L)).ToString(CultureInfo.InvariantCulture)
                };
            }),
        };
    }
}
