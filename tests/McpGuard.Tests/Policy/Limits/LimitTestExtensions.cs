using McpGuard.Policy;
using McpGuard.Policy.Limits;

namespace McpGuard.Tests.Policy.Limits;

internal static class LimitTestExtensions
{
    /// <summary>
    /// The limits step over the engine's own memory stores, which answer at once: a counted call in memory never
    /// waits. Asserting that here keeps every limit test a check of it.
    /// </summary>
    public static PolicyDecision Consume(this PolicyEngine engine, ToolRequest request) =>
        engine.ConsumeOutcome(request).Decision;

    public static LimitOutcome ConsumeOutcome(this PolicyEngine engine, ToolRequest request)
    {
        var pending = engine.TryConsumeAsync(request, TestContext.Current.CancellationToken);
        return pending.IsCompletedSuccessfully
            ? pending.Result
            : throw new Xunit.Sdk.XunitException("the memory store answered later than at once");
    }
}
