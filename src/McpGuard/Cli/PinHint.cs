namespace McpGuard.Cli;

/// <summary>
/// The real <c>mcpguard pin</c> command line for hints: this policy and this server, where a hint used to print the
/// placeholders <c>POLICY</c> and <c>SERVER COMMAND</c>. Arguments with spaces or quotes are single-quoted as a POSIX
/// shell reads them, so the line can be pasted.
/// </summary>
internal static class PinHint
{
    public static string Command(string policyPath, IReadOnlyList<string> server) =>
        $"mcpguard pin --policy {Quote(policyPath)} -- {string.Join(' ', server.Select(Quote))}";

    /// <summary>The same for a remote server (<c>--url</c>); its headers are not repeated (they may hold secrets).
    /// </summary>
    public static string Remote(string policyPath, string url) =>
        $"mcpguard pin --policy {Quote(policyPath)} --url {Quote(url)}";

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@+,".Contains(c))
            ? argument
            : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
