namespace McpGuard;

/// <summary>
/// A URL's authority written with a colon but no port after it (<c>http://127.0.0.1:/mcp</c>): <see cref="Uri"/>
/// takes it as the scheme's default port (80, 443), so a port the user forgot to type would send the guard's calls
/// to another server on that machine. Refused instead, wherever a URL is given (docs/remote.md).
/// </summary>
// In the root namespace: the CLI's --url and wrap's remote entries (ClientConfig) both ask it.
internal static class UrlPort
{
    public static bool IsEmpty(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        start += 3;
        var end = url.AsSpan(start).IndexOfAny('/', '?', '#') is var at and >= 0 ? start + at : url.Length;

        // The host and port come after any user info (user:password@), whose own colon is not a port's.
        var authority = url.AsSpan(start, end - start);
        return authority[(authority.LastIndexOf('@') + 1)..].EndsWith(":", StringComparison.Ordinal);
    }
}
