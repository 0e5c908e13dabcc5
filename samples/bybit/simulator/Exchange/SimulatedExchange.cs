namespace McpGuard.BybitSimulator.Exchange;

/// <summary>
/// A small exchange in memory: prices on a seeded random walk, a wallet, orders and positions. Market orders
/// fill at once at the current price; limit orders rest until cancelled. Thread-safe through one lock.
/// </summary>
internal sealed class SimulatedExchange(int seed)
{
    private readonly Random _random = new(seed);
    private long _nextOrder = 1000;

    public Lock Sync { get; } = new();

    public Dictionary<string, decimal> Prices { get; } = new(StringComparer.Ordinal)
    {
        ["BTCUSDT"] = 97_250.5m,
        ["ETHUSDT"] = 3_512.25m,
        ["SOLUSDT"] = 182.37m,
    };

    public Dictionary<string, decimal> Wallet { get; } = new(StringComparer.Ordinal)
    {
        ["USDT"] = 25_000m,
        ["BTC"] = 0.5m,
        ["ETH"] = 4m,
        ["SOL"] = 50m,
    };

    public List<SimulatedOrder> Orders { get; } = [];

    public Dictionary<string, SimulatedPosition> Positions { get; } = new(StringComparer.Ordinal);

    public int PositionMode { get; set; }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Moves every price a little (±0.2%), as a market does between two requests.</summary>
    public void Tick()
    {
        foreach (var symbol in Prices.Keys.ToList())
        {
            var move = (decimal)(_random.NextDouble() - 0.5) * 0.004m;
            Prices[symbol] = Math.Round(Prices[symbol] * (1 + move), 2);
        }
    }

    public double NextDouble() => _random.NextDouble();

    public string NewOrderId() => $"sim-{Interlocked.Increment(ref _nextOrder)}";

    public SimulatedPosition Position(string symbol)
    {
        if (!Positions.TryGetValue(symbol, out var position))
        {
            Positions[symbol] = position = new SimulatedPosition { Symbol = symbol };
        }

        return position;
    }

    /// <summary>Fills an order at the current price: spot moves the wallet, derivatives move the position.</summary>
    public void Fill(SimulatedOrder order)
    {
        var price = order.OrderType == "Market" ? Prices[order.Symbol] : order.Price;
        order.Status = "Filled";
        order.AvgPrice = price;
        order.UpdatedTime = Now;
        var sign = order.Side == "Buy" ? 1 : -1;
        if (order.Category == "spot")
        {
            var coin = order.Symbol[..^4];
            Wallet[coin] = Wallet.GetValueOrDefault(coin) + sign * order.Qty;
            Wallet["USDT"] -= sign * order.Qty * price;
            return;
        }

        var position = Position(order.Symbol);
        var signed = (position.Side == "Sell" ? -position.Size : position.Size) + sign * order.Qty;
        position.AvgPrice = signed == 0 ? 0 : price;
        position.Size = Math.Abs(signed);
        position.Side = signed > 0 ? "Buy" : signed < 0 ? "Sell" : "None";
        position.PositionMargin = position.Size * price / position.Leverage;
    }
}
