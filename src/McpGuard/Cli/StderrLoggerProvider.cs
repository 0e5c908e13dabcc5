using System.Text;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>
/// The guard's log lines on stderr, one per message, written at once under a lock: <c>HH:mm:ss.fff warn:
/// Category[id] message</c>, the layout of the console logger's single-line format. Made without
/// Microsoft.Extensions.Logging.Console, whose dependency injection, options and queue thread were a third of
/// a guard's start-up CPU (native build, perf, issue 27). Colours for the level only on a terminal, never with
/// <c>NO_COLOR</c>.
/// </summary>
internal sealed class StderrLoggerProvider : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly Stream _stderr;
    private readonly bool _colors;

    public StderrLoggerProvider()
        : this(
            Console.OpenStandardError(),
            !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 })
    {
    }

    internal StderrLoggerProvider(Stream stderr, bool colors)
    {
        _stderr = stderr;
        _colors = colors;
    }

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    public void Dispose() => _stderr.Dispose();

    internal void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = new StringBuilder(message.Length + category.Length + 40);
        line.Append(TimeProvider.System.GetLocalNow()
            .ToString("HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture));
        var (word, color) = Level(level);
        line.Append(_colors ? color : "").Append(word).Append(_colors ? "\x1B[39m\x1B[22m\x1B[49m" : "").Append(": ");
        // Messages quote tool names, paths and server text: through the one sanitiser, so a name carrying a newline
        // cannot forge a log line, nor an escape sequence rewrite the terminal (docs/relay.md#logs). Templates are
        // one line each, so nothing of the guard's own is escaped.
        line.Append(category).Append('[').Append(eventId.Id).Append("] ").Append(TerminalText.Printable(message));
        if (exception is not null)
        {
            line.Append(' ').Append(exception);
        }

        line.Append('\n');
        var bytes = Encoding.UTF8.GetBytes(line.ToString());
        lock (_lock)
        {
            try
            {
                _stderr.Write(bytes);
            }
            catch (IOException)
            {
                // stderr is gone (the client closed it): nothing left to tell.
            }
        }
    }

    private static (string Word, string Color) Level(LogLevel level) => level switch
    {
        LogLevel.Trace => ("trce", "\x1B[37m"),
        LogLevel.Debug => ("dbug", "\x1B[37m"),
        LogLevel.Information => ("info", "\x1B[32m"),
        LogLevel.Warning => ("warn", "\x1B[1m\x1B[33m"),
        LogLevel.Error => ("fail", "\x1B[30m\x1B[41m"),
        _ => ("crit", "\x1B[1m\x1B[37m\x1B[41m"),
    };
}
