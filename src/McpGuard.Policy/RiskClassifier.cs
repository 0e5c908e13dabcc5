namespace McpGuard.Policy;

/// <summary>
/// Risk classes for tools: the server's vendor catalogue by exact name, if one applies, otherwise the name's
/// verbs; then the server's annotations, which are untrusted and so may raise a class but never lower it.
/// </summary>
internal static class RiskClassifier
{
    private static readonly string[] s_readVerbs = ["get", "list", "read", "search", "fetch", "describe", "query", "find", "show", "view", "echo", "ping"];
    private static readonly string[] s_writeVerbs = ["place", "set", "create", "update", "add", "write", "send", "switch", "modify", "amend", "put", "post", "edit", "move", "rename", "upload", "toggle", "trigger", "start", "run", "execute"];
    private static readonly string[] s_destructiveVerbs = ["cancel", "delete", "remove", "close", "kill", "drop", "destroy", "purge", "revoke", "stop", "clear"];
    private static readonly string[] s_criticalWords = ["withdraw", "transfer"];

    internal static RiskClass Classify(string toolName, ToolHints? hints, RiskCatalogue? catalogue)
    {
        var byName = catalogue is not null && catalogue.Classes.TryGetValue(toolName, out var known) ? known : FromName(toolName);
        if (hints?.DestructiveHint == true && byName < RiskClass.Destructive)
        {
            return RiskClass.Destructive;
        }

        return byName;
    }

    private static RiskClass FromName(string toolName)
    {
        var words = toolName.ToLowerInvariant().Split(['_', '-', '.', ' ', '/'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return RiskClass.Unknown;
        }

        if (words.Any(w => s_criticalWords.Contains(w)))
        {
            return RiskClass.Critical;
        }

        var bulk = words.Any(w => w is "all" or "batch" or "bulk" or "many");
        if (words.Any(w => s_destructiveVerbs.Contains(w)))
        {
            return bulk ? RiskClass.Critical : RiskClass.Destructive;
        }

        if (s_writeVerbs.Contains(words[0]))
        {
            return RiskClass.Write;
        }

        return s_readVerbs.Contains(words[0]) ? RiskClass.Read : RiskClass.Unknown;
    }
}
