using Microsoft.Extensions.Logging;

namespace McpGuard.Inventory;

/// <summary>
/// What a server started for a listing wrote on its stdout that is not an MCP message: a banner, a log line, an HTTP
/// server's "listening on :3000", a usage text. The SDK's stdio transport skips such lines and says so only in its
/// log, so the inspection commands hand it this logger, which keeps a count and the first line, for the one line
/// that says why a server could not be listed (docs/relay.md). It prints nothing: the line is the server's text,
/// made inert by whoever shows it.
/// </summary>
internal sealed class StrayOutput : ILoggerProvider, ILogger
{
    private const int ShownChars = 200;

    private int _count;
    private string? _first;

    /// <summary>The lines on stdout the transport could not take as a message, so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The first of them (at most 200 characters), when the transport logged it.</summary>
    public string? First => Volatile.Read(ref _first);

    /// <summary>
    /// A clause for the listing's failure line, or "" when the server wrote nothing stray: "; its stdout had 2 lines
    /// that are not MCP messages (…), the first: TEXT".
    /// </summary>
    public string Describe()
    {
        var count = Count;
        if (count == 0)
        {
            return "";
        }

        var lines = count == 1 ? "1 line that is not an MCP message" : $"{count} lines that are not MCP messages";
        var first = First is { } text ? $", the first: {text}" : "";
        return $"; its stdout had {lines} (stdout is for MCP messages only; a server's logs belong on stderr){first}";
    }

    ILogger ILoggerProvider.CreateLogger(string categoryName) => this;

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;

    // Trace too: only then does the SDK put the skipped line itself into its log entry.
    bool ILogger.IsEnabled(LogLevel logLevel) => true;

    void ILogger.Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        // The SDK's LogTransportMessageParseFailed[Sensitive] and LogTransportMessageParseUnexpectedTypeSensitive.
        if (eventId.Name?.StartsWith("LogTransportMessageParse", StringComparison.Ordinal) != true)
        {
            return;
        }

        if (Interlocked.Increment(ref _count) != 1 || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            return;
        }

        foreach (var (key, value) in fields)
        {
            if (key == "Message" && value is string line)
            {
                var trimmed = line.Trim();
                Volatile.Write(ref _first, trimmed.Length > ShownChars ? trimmed[..ShownChars] + "…" : trimmed);
            }
        }
    }

    void IDisposable.Dispose()
    {
    }
}
