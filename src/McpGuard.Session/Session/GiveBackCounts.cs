using McpGuard.Policy;
using McpGuard.Policy.Limits;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// Gives a call's counts back without holding up the pump that noticed it did not run: the memory store
/// answers at once, a durable store in the background; a store that cannot be reached is reported, and the
/// count then stays (counting too much never lets a call through that the policy refuses).
/// </summary>
internal static partial class GiveBackCounts
{
    public static async Task RunAsync(PolicyEngine engine, LimitReceipt receipt, ILogger logger)
    {
        if (await engine.GiveBackAsync(receipt, CancellationToken.None))
        {
            LogGivenBack(logger, receipt.Shared.Counted.Count + receipt.Session.Counted.Count);
        }
        else
        {
            LogNotGivenBack(logger, engine.Counters.Description);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A call that did not run was given back its {Counters} counts.")]
    private static partial void LogGivenBack(ILogger logger, int counters);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A call that did not run could not be given back its counts: {Store} cannot be reached; they stay "
            + "counted until their window ends.")]
    private static partial void LogNotGivenBack(ILogger logger, string store);
}
