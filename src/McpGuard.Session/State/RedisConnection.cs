using System.Globalization;
using StackExchange.Redis;

namespace McpGuard.State;

/// <summary>How the Redis store connects, read from <c>state.url</c> (docs/limits.md#redis).</summary>
internal static class RedisConnection
{
    /// <returns>The client's options, what the start probe dials, and the database number.</returns>
    public static (ConfigurationOptions Options, RedisProbeTarget Target, int Database) FromUrl(
        string url, TimeSpan timeout)
    {
        var uri = new Uri(url);
        var port = uri.Port > 0 ? uri.Port : 6379;
        var database = uri.AbsolutePath.Trim('/') is { Length: > 0 } path
            && int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db)
                ? db
                : 0;
        var milliseconds = (int)Math.Max(1, timeout.TotalMilliseconds);
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = milliseconds,
            SyncTimeout = milliseconds,
            AsyncTimeout = milliseconds,
            ConnectRetry = 1,
            // Try again every second while Redis is down: calls that need a counter are denied meanwhile.
            ReconnectRetryPolicy = new LinearRetry(1000),
            Ssl = uri.Scheme == "rediss",
            ClientName = "mcpguard",
            DefaultDatabase = database,
            // No pub/sub: without SUBSCRIBE no second (subscription) connection is opened, whose failures and returns
            // were each said again beside the interactive connection's.
            CommandMap = CommandMap.Create(["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"], available: false),
        };
        options.EndPoints.Add(uri.Host, port);
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            options.User = parts.Length == 2 && parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null;
            options.Password = Uri.UnescapeDataString(parts[^1]);
        }

        return (options, new RedisProbeTarget(uri.Host, port, options.Ssl, options.User, options.Password), database);
    }
}
