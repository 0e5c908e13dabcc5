using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>
/// One category's logger of <see cref="StderrLoggerProvider"/>; the factory filters by level before it.
/// </summary>
internal sealed class StderrLogger(StderrLoggerProvider provider, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
        }
    }
}
