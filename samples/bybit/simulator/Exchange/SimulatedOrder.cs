namespace McpGuard.BybitSimulator.Exchange;

internal sealed class SimulatedOrder
{
    public required string OrderId { get; init; }

    public string OrderLinkId { get; init; } = "";

    public required string Category { get; init; }

    public required string Symbol { get; init; }

    public required string Side { get; init; }

    public required string OrderType { get; init; }

    public required decimal Qty { get; set; }

    public decimal Price { get; set; }

    public decimal? TriggerPrice { get; init; }

    public string Status { get; set; } = "New";

    public decimal AvgPrice { get; set; }

    public long CreatedTime { get; init; }

    public long UpdatedTime { get; set; }
}
