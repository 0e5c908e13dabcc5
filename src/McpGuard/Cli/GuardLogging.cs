using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace McpGuard.Cli;

/// <summary>
/// Console logging for every command, always to stderr: in <c>run</c>, stdout is the protocol stream.
/// </summary>
internal static class GuardLogging
{
    /// <summary>
    /// The guard's loggers: <see cref="StderrLoggerProvider"/> behind a factory made without dependency injection
    /// (a guard starts with every client launch). A command with filters of its own (the desk, which quietens
    /// ASP.NET Core) gets the console logger it configures.
    /// </summary>
    public static ILoggerFactory Create(LogLevel minimumLevel) =>
        new LoggerFactory([new StderrLoggerProvider()], new LoggerFilterOptions { MinLevel = minimumLevel });

    /// <param name="configure">A command's own filters (the desk quietens ASP.NET Core).</param>
    public static ILoggerFactory Create(LogLevel minimumLevel, Action<ILoggingBuilder> configure) =>
        LoggerFactory.Create(builder =>
        {
            builder
                .SetMinimumLevel(minimumLevel)
                .AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.TimestampFormat = "HH:mm:ss.fff ";
                    options.UseUtcTimestamp = false;
                    options.ColorBehavior = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }
                        ? LoggerColorBehavior.Disabled
                        : LoggerColorBehavior.Default;
                })
                .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            configure(builder);
        });
}
