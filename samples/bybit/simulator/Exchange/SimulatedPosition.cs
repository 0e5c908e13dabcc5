namespace McpGuard.BybitSimulator.Exchange;

internal sealed class SimulatedPosition
{
    public required string Symbol { get; init; }

    public decimal Size { get; set; }

    public string Side { get; set; } = "None";

    public decimal AvgPrice { get; set; }

    public decimal Leverage { get; set; } = 1;

    public int TradeMode { get; set; }

    public int AutoAddMargin { get; set; }

    public decimal PositionMargin { get; set; }

    public string TakeProfit { get; set; } = "";

    public string StopLoss { get; set; } = "";
}
