using System.Text;
using McpGuard.Policy.Risk;

namespace McpGuard.Inventory;

/// <summary>
/// A first policy for a server, from its tools and their risk classes: reads allowed, writes and destructive
/// tools asking a person, critical ones hidden, the unknown denied — every tool listed in a comment with its
/// class, so the file says what it will do before anyone edits it.
/// </summary>
/// <remarks>
/// Tool names come from the server and are untrusted: a name with a newline in it, written into a comment, would
/// go on as YAML and could change the policy. So nothing from the server is written but names made only of the
/// characters MCP recommends for tool names (<see cref="IsPlain"/>), which cannot end a comment; any other
/// name is left out of the file and reported in <see cref="StarterPolicyText.LeftOut"/>.
/// </remarks>
internal static class StarterPolicy
{
    public static StarterPolicyText Write(string serverName, ServerInventory inventory)
    {
        var tools = inventory.Tools;
        var plain = tools.Where(t => IsPlain(t.Name)).ToList();

        // The catalogue the server's own name picks is written down, so the file says what classifies its tools.
        var catalogue = RiskCatalogues.ForServer(inventory.ServerName);
        var policy = catalogue is null
            ? CatalogueChoice.None.Instance
            : (CatalogueChoice)new CatalogueChoice.Named(catalogue);
        var classes = plain
            .Select(t => (t.Name, Risk: RiskClassifier.Classify(t.Name, t.Hints, policy.For(null))))
            .ToList();
        var text = new StringBuilder();
        text.AppendLine($"# McpGuard starter policy for {(IsPlain(serverName) ? serverName : "this server")} "
            + $"({tools.Count} tools), written by `mcpguard init`.");
        text.AppendLine(
            "# Review it, then check it against the server: mcpguard check --policy THIS_FILE -- SERVER COMMAND");
        text.AppendLine("version: 1");
        text.AppendLine("default: deny                # a tool no rule below decides is refused");
        text.AppendLine();
        text.AppendLine("risk:                        # what each risk class does; a tools entry below overrides it");
        text.AppendLine("  read: allow");
        text.AppendLine("  write: require_approval");
        text.AppendLine("  destructive: require_approval");
        text.AppendLine("  critical: hide             # gone from tools/list; calls are answered \"Unknown tool\"");
        text.AppendLine("  unknown: deny");
        if (catalogue is not null)
        {
            text.AppendLine($"  catalogue: {catalogue.Name}            # the built-in classes of this server's tools "
                + $"(it calls itself one of: {string.Join(", ", catalogue.ServerNames.Where(IsPlain))})");
        }

        text.AppendLine();
        var classesFrom = catalogue is null
            ? "their names and annotations"
            : $"the {catalogue.Name} catalogue, else names and annotations";
        text.AppendLine($"# The server's tools by class (from {classesFrom}):");
        foreach (var group in classes.GroupBy(c => c.Risk).OrderBy(g => g.Key))
        {
            text.AppendLine($"#   {RiskClassWords.Word(group.Key)} ({group.Count()}): "
                + $"{string.Join(", ", group.Select(g => g.Name))}");
        }

        if (plain.Count < tools.Count)
        {
            text.AppendLine($"#   ({tools.Count - plain.Count} tools with unusual characters in their names "
                + $"are not listed here; `mcpguard tools` shows them.)");
        }

        text.AppendLine();
        text.AppendLine("tools: {}                    # per-tool rules, e.g.:");
        text.AppendLine("#  some_tool:");
        text.AppendLine("#    rate_limit: 10/minute");
        text.AppendLine("#    rules:");
        text.AppendLine("#      - when: { amount: { lte: 100 } }");
        text.AppendLine("#        action: allow");
        text.AppendLine("#      - action: require_approval");
        text.AppendLine("#        reason: Larger amounts need a human.");
        text.AppendLine();
        text.AppendLine("approval:");
        text.AppendLine("  timeout: 50s                # under the 60 s after which most clients give up on a call");
        text.AppendLine("  channels: [elicitation, desk]");
        text.AppendLine();
        text.AppendLine("audit:");
        text.AppendLine("  path: ~/.mcpguard/audit.jsonl");
        text.AppendLine("  arguments: redact");
        return new StarterPolicyText(text.ToString(), [.. tools.Where(t => !IsPlain(t.Name)).Select(t => t.Name)]);
    }

    /// <summary>1 to 128 of A-Z a-z 0-9 _ - . / (the MCP specification's advice for tool names).</summary>
    public static bool IsPlain(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/');
}
