using System.Text;
using McpGuard.Policy;

namespace McpGuard.Inventory;

/// <summary>
/// A first policy for a server, from its tools and their risk classes: reads allowed, writes and destructive
/// tools asking a person, critical ones hidden, the unknown denied — every tool listed in a comment with its
/// class, so the file says what it will do before anyone edits it.
/// </summary>
internal static class StarterPolicy
{
    public static string Write(string serverName, IReadOnlyList<ServerTool> tools)
    {
        var classes = tools.Select(t => (t.Name, Risk: RiskClassifier.Classify(t.Name, t.Hints))).ToList();
        var text = new StringBuilder();
        text.AppendLine($"# McpGuard starter policy for {serverName} ({tools.Count} tools), written by `mcpguard init`.");
        text.AppendLine("# Review it, then check it against the server: mcpguard check --policy THIS_FILE -- SERVER COMMAND");
        text.AppendLine("version: 1");
        text.AppendLine("default: deny                # a tool no rule below decides is refused");
        text.AppendLine();
        text.AppendLine("risk:                        # what each risk class does; a tools entry below overrides it");
        text.AppendLine("  read: allow");
        text.AppendLine("  write: require_approval");
        text.AppendLine("  destructive: require_approval");
        text.AppendLine("  critical: hide             # gone from tools/list; calls are answered \"Unknown tool\"");
        text.AppendLine("  unknown: deny");
        text.AppendLine();
        text.AppendLine("# The server's tools by class (from names and annotations; the Bybit catalogue is built in):");
        foreach (var group in classes.GroupBy(c => c.Risk).OrderBy(g => g.Key))
        {
            text.AppendLine($"#   {group.Key.ToString().ToLowerInvariant()} ({group.Count()}): {string.Join(", ", group.Select(g => g.Name))}");
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
        text.AppendLine("  timeout: 120s");
        text.AppendLine("  channels: [elicitation, desk]");
        text.AppendLine();
        text.AppendLine("audit:");
        text.AppendLine("  path: ~/.mcpguard/audit.jsonl");
        text.AppendLine("  arguments: redact");
        return text.ToString();
    }
}
