using System.Globalization;
using McpGuard.BybitSimulator.Exchange;

namespace McpGuard.BybitSimulator;

/// <summary>Orders: place (market fills at once, limit rests), amend, cancel one, a batch, or all.</summary>
internal sealed partial class SimulatorTools
{
    private object PlaceOrder(Args args, bool trigger = false)
    {
        var category = args.Required("category");
        var symbol = Symbol(args);
        var side = args.Required("side");
        if (side is not ("Buy" or "Sell"))
        {
            throw new BybitException(10001, "params error: side must be Buy or Sell");
        }

        var type = args.Required("orderType");
        if (type is not ("Market" or "Limit"))
        {
            throw new BybitException(10001, "params error: orderType must be Market or Limit");
        }

        var qty = args.Positive("qty");
        var price = type == "Limit" ? args.Positive("price") : 0m;
        if (category == "spot" && side == "Buy"
            && qty * (price > 0 ? price : exchange.Prices[symbol]) > exchange.Wallet["USDT"])
        {
            throw new BybitException(170131, "Insufficient balance.");
        }

        var order = new SimulatedOrder
        {
            OrderId = exchange.NewOrderId(),
            OrderLinkId = args.Str("orderLinkId") ?? "",
            Category = category,
            Symbol = symbol,
            Side = side,
            OrderType = type,
            Qty = qty,
            Price = price,
            TriggerPrice = trigger ? args.Positive("triggerPrice") : null,
            Status = trigger ? "Untriggered" : "New",
            CreatedTime = SimulatedExchange.Now,
            UpdatedTime = SimulatedExchange.Now,
        };
        exchange.Orders.Add(order);
        if (!trigger && type == "Market")
        {
            exchange.Fill(order);
        }

        return new { orderId = order.OrderId, orderLinkId = order.OrderLinkId };
    }

    private object AmendOrder(Args args)
    {
        var order = FindOpen(args);
        if (args.Str("qty") is not null)
        {
            order.Qty = args.Positive("qty");
        }

        if (args.Str("price") is not null)
        {
            order.Price = args.Positive("price");
        }

        order.UpdatedTime = SimulatedExchange.Now;
        return new { orderId = order.OrderId, orderLinkId = order.OrderLinkId };
    }

    private object CancelOrder(Args args)
    {
        var order = FindOpen(args);
        order.Status = "Cancelled";
        order.UpdatedTime = SimulatedExchange.Now;
        return new { orderId = order.OrderId, orderLinkId = order.OrderLinkId };
    }

    private object CancelAll(Args args)
    {
        var category = args.Required("category");
        var symbol = args.Str("symbol");
        var cancelled = exchange.Orders.Where(
            o => IsOpen(o) && o.Category == category && (symbol is null || o.Symbol == symbol))
            .ToList();
        cancelled.ForEach(o => o.Status = "Cancelled");
        return new
        {
            list = cancelled.Select(o => new { orderId = o.OrderId, orderLinkId = o.OrderLinkId }),
            success = "1"
        };
    }

    private static object Batch(Args args, Func<Args, object> each)
    {
        var category = args.Required("category");
        var results = new List<object>();
        var info = new List<object>();
        foreach (var item in args.List("request"))
        {
            try
            {
                results.Add(each(item.With("category", category)));
                info.Add(new { code = 0, msg = "OK" });
            }
            catch (BybitException ex)
            {
                results.Add(new { });
                info.Add(new { code = ex.Code, msg = ex.Message });
            }
        }

        return new { list = results, retExtInfo = new { list = info } };
    }

    private object OrderList(Args args, bool openOnly)
    {
        var category = args.Required("category");
        var orders = exchange.Orders
            .Where(o => o.Category == category && (!openOnly || IsOpen(o)))
            .Where(o => args.Str("symbol") is not { } s || o.Symbol == s)
            .Where(o => args.Str("orderId") is not { } id || o.OrderId == id)
            .OrderByDescending(o => o.CreatedTime)
            .Take(Math.Clamp(args.Int("limit") ?? 20, 1, 50));
        return new { category, list = orders.Select(Describe), nextPageCursor = "" };
    }

    private object TradeHistory(Args args)
    {
        var category = args.Required("category");
        return new
        {
            category,
            list = exchange.Orders.Where(o => o.Category == category && o.Status == "Filled").Select(o => new
            {
                symbol = o.Symbol,
                orderId = o.OrderId,
                side = o.Side,
                execPrice = Num(o.AvgPrice),
                execQty = Num(o.Qty),
                execTime = o.UpdatedTime.ToString(CultureInfo.InvariantCulture),
            }),
            nextPageCursor = "",
        };
    }

    private SimulatedOrder FindOpen(Args args)
    {
        var id = args.Str("orderId");
        var link = args.Str("orderLinkId");
        if (id is null && link is null)
        {
            throw new BybitException(10001, "params error: orderId or orderLinkId is required");
        }

        return exchange.Orders.FirstOrDefault(
            o => IsOpen(o) && (o.OrderId == id || (link is not null && o.OrderLinkId == link)))
            ?? throw new BybitException(110001, "Order does not exist.");
    }

    private static bool IsOpen(SimulatedOrder order) => order.Status is "New" or "PartiallyFilled" or "Untriggered";

    private static object Describe(SimulatedOrder o) => new
    {
        orderId = o.OrderId,
        orderLinkId = o.OrderLinkId,
        symbol = o.Symbol,
        side = o.Side,
        orderType = o.OrderType,
        qty = Num(o.Qty),
        price = Num(o.Price),
        avgPrice = Num(o.AvgPrice),
        triggerPrice = o.TriggerPrice is { } t ? Num(t) : "",
        orderStatus = o.Status,
        createdTime = o.CreatedTime.ToString(CultureInfo.InvariantCulture),
        updatedTime = o.UpdatedTime.ToString(CultureInfo.InvariantCulture),
    };
}
