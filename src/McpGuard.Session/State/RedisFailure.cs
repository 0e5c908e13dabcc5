namespace McpGuard.State;

/// <summary>
/// StackExchange.Redis's exception messages end in the multiplexer's whole diagnostic (", mc: 1/1/0, clientName:
/// …, IOCP: (…), WORKER: (…), POOL: (…), v: …"), several hundred characters that bury what went wrong in a
/// denial's log line and in <c>limits</c>. This keeps what went wrong ("No connection is active/available to
/// service this operation: EVALSHA; Connection refused", "Timeout performing EVALSHA (5000ms)"), not the rest.
/// </summary>
internal static class RedisFailure
{
    // Where the library's diagnostic starts, in the order it writes its fields.
    private static readonly string[] DiagnosticStarts = [", mc: ", ", next: ", ", inst: ", ", IOCP: ", ", v: "];

    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        var end = message.Length;
        foreach (var start in DiagnosticStarts)
        {
            var at = message.IndexOf(start, StringComparison.Ordinal);
            if (at > 0 && at < end)
            {
                end = at;
            }
        }

        // A connection that was lost: "…; SocketClosed on 127.0.0.1:6379/Interactive, Idle/RanToCompletion, last:
        // EVALSHA, origin: ReadAllAsync, outstanding: 0, …", its state after where it failed.
        var state = message.IndexOf(", last: ", StringComparison.Ordinal);
        var failedOn = message.IndexOf(" on ", StringComparison.Ordinal);
        if (state > 0 && state < end && failedOn > 0 && failedOn < state)
        {
            end = message.IndexOf(", ", failedOn, StringComparison.Ordinal);
        }

        return message[..end].TrimEnd(' ', ',', ';');
    }
}
