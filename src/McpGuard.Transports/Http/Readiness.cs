using McpGuard.Session;
using Microsoft.Extensions.Logging;

namespace McpGuard.Http;

/// <summary>
/// What <c>GET /readyz</c> checks on each probe (docs/serve.md#health): the gateway is not shutting down, the
/// counter store answers, and the server can be reached — its command can be started, or the remote server answers
/// HTTP (<see cref="GuardLauncher.ReachServerAsync"/>). The probe's answer says nothing more; why it is not ready goes
/// to stderr, once each time the answer changes, so a load balancer probing every second does not flood the log.
/// </summary>
internal sealed partial class Readiness(GuardLauncher launcher, Func<bool> draining, ILogger logger)
{
    /// <summary>How long the store and the server each get to answer one probe.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private string? _lastWhy;

    public async Task<ReadinessOutcome> CheckAsync(CancellationToken cancellationToken)
    {
        var outcome = draining() ? new ReadinessOutcome.NotReady("the gateway is shutting down")
            : await StoreAsync(launcher.Policy, cancellationToken) is ReadinessOutcome.NotReady store ? store
            : await launcher.ReachServerAsync(s_timeout, cancellationToken);
        Report(outcome);
        return outcome;
    }

    private static async Task<ReadinessOutcome> StoreAsync(SessionPolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            // The store's own failure names the store already: said once, not inside "… cannot be reached (…)".
            return await policy.CounterStoreProblemAsync(cancellationToken).WaitAsync(s_timeout, cancellationToken)
                is { } problem ? new ReadinessOutcome.NotReady(problem) : ReadinessOutcome.Yes;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var why = ex is TimeoutException ? $"no answer within {s_timeout.TotalSeconds:0} s" : ex.Message;
            return new ReadinessOutcome.NotReady($"{policy.CounterStoreDescription} cannot be reached ({why})");
        }
    }

    private void Report(ReadinessOutcome outcome)
    {
        var why = (outcome as ReadinessOutcome.NotReady)?.Why;
        lock (_lock)
        {
            if (why == _lastWhy)
            {
                return;
            }

            _lastWhy = why;
        }

        if (why is null)
        {
            LogReady(logger);
        }
        else
        {
            LogNotReady(logger, TerminalText.FirstLine(why));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready (GET /readyz answers 503): {Why}.")]
    private static partial void LogNotReady(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready again (GET /readyz answers 200).")]
    private static partial void LogReady(ILogger logger);
}
