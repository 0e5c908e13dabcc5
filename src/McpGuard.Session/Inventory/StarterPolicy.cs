using System.Text;
using System.Text.Json;
using McpGuard.Home;
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
/// <para>
/// It is the first file a user reads, so it is laid out as the sample policy is: every comment beside a value
/// starts in one column (<see cref="CommentColumn"/>), and no line is wider than <see cref="Width"/> (long comments
/// and tool lists go on over more lines, in the same column).
/// </para>
/// </remarks>
internal static class StarterPolicy
{
    /// <summary>The column (from 0) where a comment beside a value starts: samples/bybit/policy.yaml's.</summary>
    private const int CommentColumn = 34;

    /// <summary>The widest line written, unless a single tool name is wider.</summary>
    private const int Width = 100;

    /// <param name="auditPath">The audit log's path as YAML (<see cref="AuditPathYaml"/>).</param>
    /// <param name="remote">The server is reached by URL: the file's hint says <c>--url URL</c>, not a command.</param>
    public static StarterPolicyText Write(
        string serverName, ServerInventory inventory, string auditPath = DefaultAuditPath, bool remote = false)
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
        Comment(text, $"McpGuard starter policy for {(IsPlain(serverName) ? serverName : "this server")} "
            + $"({tools.Count} tools), written by `mcpguard init`.");
        Comment(text, "Review it, then check it against the server: mcpguard check --policy THIS_FILE "
            + (remote ? "--url URL" : "-- SERVER COMMAND"));
        text.AppendLine("version: 1");
        Line(text, "default: deny", "a tool no rule below decides is refused");
        text.AppendLine();
        Line(text, "risk:", "what each risk class does; a tools entry below overrides it");
        if (catalogue is not null)
        {
            Line(text, $"  catalogue: {catalogue.Name}", "the built-in classes of this server's tools (it calls "
                + $"itself one of: {string.Join(", ", catalogue.ServerNames.Where(IsPlain))})");
        }

        Line(text, "  read: allow");
        Line(text, "  write: require_approval");
        Line(text, "  destructive: require_approval");
        Line(text, "  critical: hide", "gone from tools/list; calls are answered \"Unknown tool\"");
        Line(text, "  unknown: deny");
        text.AppendLine();
        var classesFrom = catalogue is null
            ? "their names and annotations"
            : $"the {catalogue.Name} catalogue, else names and annotations";
        Comment(text, $"The server's tools by class (from {classesFrom}):");
        foreach (var group in classes.GroupBy(c => c.Risk).OrderBy(g => g.Key))
        {
            List(text, $"#   {RiskClassWords.Word(group.Key)} ({group.Count()}): ", [.. group.Select(g => g.Name)]);
        }

        if (plain.Count < tools.Count)
        {
            Comment(text, $"  ({tools.Count - plain.Count} tools with unusual characters in their names "
                + "are not listed here; `mcpguard tools` shows them.)");
        }

        text.AppendLine();
        Line(text, "tools: {}", "per-tool rules, e.g.:");
        text.AppendLine("#  some_tool:");
        text.AppendLine("#    rate_limit: 10/minute");
        text.AppendLine("#    rules:");
        text.AppendLine("#      - when: { amount: { lte: 100 } }");
        text.AppendLine("#        action: allow");
        text.AppendLine("#      - action: require_approval");
        text.AppendLine("#        reason: Larger amounts need a human.");
        text.AppendLine();
        Line(text, "approval:");
        Line(text, "  timeout: 50s", "under the 60 s after which most clients give up on a call");
        Line(text, "  channels: [elicitation, desk]", "ask in the client when it can; otherwise on `mcpguard desk`");
        text.AppendLine();
        Line(text, "audit:", "one JSON line per decision; `mcpguard audit` sums it up");
        Line(text, "  path: " + auditPath);
        Line(text, "  arguments: redact");
        return new StarterPolicyText(text.ToString(), [.. tools.Where(t => !IsPlain(t.Name)).Select(t => t.Name)]);
    }

    private const string DefaultAuditPath = "~/.mcpguard/audit.jsonl";

    /// <summary>
    /// Where the starter policy's audit log goes, as YAML: <c>audit.jsonl</c> in the McpGuard home
    /// (docs/audit.md), <c>~/.mcpguard</c> written as such, a <c>MCPGUARD_HOME</c> as the absolute path it resolves
    /// to. That text is the user's, not ours: anything but plain path characters is written double-quoted, with
    /// control and non-ASCII characters escaped.
    /// </summary>
    public static string AuditPathYaml(string? mcpGuardHome, string userHome)
    {
        if (string.IsNullOrEmpty(mcpGuardHome))
        {
            return DefaultAuditPath;
        }

        var path = Path.GetFullPath(Path.Combine(McpGuardHome.Resolve(mcpGuardHome, userHome), "audit.jsonl"));
        return path.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/') && path[0] == '/'
            ? path
            : "\"" + JsonEncodedText.Encode(path).Value + "\"";
    }

    /// <summary>1 to 128 of A-Z a-z 0-9 _ - . / (the MCP specification's advice for tool names).</summary>
    public static bool IsPlain(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/');

    /// <summary>A value, with its comment (if any) in <see cref="CommentColumn"/>, wrapped to fit the width.</summary>
    private static void Line(StringBuilder text, string code, string? comment = null)
    {
        if (comment is null)
        {
            text.AppendLine(code);
            return;
        }

        var lines = Wrap(comment.Split(' '), Width - Math.Max(code.Length + 1, CommentColumn) - 2, " ");
        text.Append(code.PadRight(CommentColumn - 1)).Append(" # ").AppendLine(lines[0]);
        foreach (var more in lines.Skip(1))
        {
            text.Append(' ', Math.Max(code.Length + 1, CommentColumn)).Append("# ").AppendLine(more);
        }
    }

    /// <summary>A comment of its own at the left margin, wrapped to fit the width.</summary>
    private static void Comment(StringBuilder text, string comment)
    {
        foreach (var line in Wrap(comment.Split(' '), Width - 2, " "))
        {
            text.Append("# ").AppendLine(line);
        }
    }

    /// <summary>
    /// <c>#   read (22): a, b, …</c>, going on over more lines with the names under the first one's column.
    /// </summary>
    private static void List(StringBuilder text, string head, IReadOnlyList<string> names)
    {
        var items = names.Select((name, i) => i < names.Count - 1 ? name + "," : name).ToList();
        var lines = Wrap(items, Width - head.Length, " ");
        text.Append(head).AppendLine(lines[0]);
        foreach (var more in lines.Skip(1))
        {
            text.Append('#').Append(' ', head.Length - 1).AppendLine(more);
        }
    }

    /// <summary>Words joined into lines of at most <paramref name="width"/> (a longer word has a line of its own).
    /// </summary>
    private static List<string> Wrap(IEnumerable<string> words, int width, string separator)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in words)
        {
            if (line.Length > 0 && line.Length + separator.Length + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? separator : "").Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }
}
