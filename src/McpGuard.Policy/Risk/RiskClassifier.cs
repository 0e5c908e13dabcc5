namespace McpGuard.Policy.Risk;

/// <summary>
/// Risk classes for tools: the server's vendor catalogue by exact name, if one applies, otherwise the name's
/// verbs; then the server's annotations, which are untrusted and so may raise a class but never lower it.
/// </summary>
internal static class RiskClassifier
{
    private static readonly string[] s_readVerbs =
        ["get", "list", "read", "search", "fetch", "describe", "query", "find", "show", "view", "echo", "ping"];
    private static readonly string[] s_writeVerbs =
    [
        "place", "set", "create", "update", "add", "write", "send", "switch", "modify", "amend", "put", "post", "edit",
        "move", "rename", "upload", "toggle", "trigger", "start", "run", "execute",
    ];
    private static readonly string[] s_destructiveVerbs =
        ["cancel", "delete", "remove", "close", "kill", "drop", "destroy", "purge", "revoke", "stop", "clear"];
    private static readonly string[] s_criticalWords = ["withdraw", "transfer"];

    internal static RiskClass Classify(string toolName, ToolHints? hints, RiskCatalogue? catalogue)
    {
        var byName = catalogue is not null && catalogue.Classes.TryGetValue(toolName, out var known)
            ? known
            : FromName(toolName);
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

        var bulk = words.Any(IsBulkWord);
        if (words.Any(w => s_destructiveVerbs.Contains(w)))
        {
            return bulk ? RiskClass.Critical : RiskClass.Destructive;
        }

        // The verb leads, except in a batch form (batch_place_order, bulk_update_items), where it follows the bulk
        // word: a batch of writes is at least a write, never unknown.
        var verb = words.SkipWhile(IsBulkWord).FirstOrDefault();
        if (verb is not null && s_writeVerbs.Contains(verb))
        {
            return RiskClass.Write;
        }

        return verb is not null && s_readVerbs.Contains(verb) ? RiskClass.Read : RiskClass.Unknown;
    }

    private static bool IsBulkWord(string word) => word is "all" or "batch" or "bulk" or "many";
}
