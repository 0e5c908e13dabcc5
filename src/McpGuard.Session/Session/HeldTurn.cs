namespace McpGuard.Session;

/// <summary>
/// A call being decided off the pump once its turn came (docs/relay.md#arrival-order): the held copy of it and the
/// turn it owns. While it is decided, later calls still wait behind that turn, so whatever the decision waits for
/// next (the store, a listing) it waits for in its own place, without taking a new turn at the end of the line.
/// </summary>
internal readonly record struct HeldTurn(HeldCall Call, ArrivalOrder.Turn Turn);
