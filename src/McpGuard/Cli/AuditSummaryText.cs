using System.Globalization;
using McpGuard.Audit;
using McpGuard.Policy.Decide;
using Spectre.Console;

namespace McpGuard.Cli;

/// <summary>
/// The human form of a summary: a few lines and two tables, colour only on a terminal without NO_COLOR.
/// </summary>
internal static class AuditSummaryText
{
    public static IEnumerable<string> OrderDecisions(IEnumerable<string> decisions)
    {
        var order = DecisionWords.AllAudit.ToList();
        return decisions.OrderBy(d => d.StartsWith("monitor:", StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(d => order.IndexOf(d.StartsWith("monitor:", StringComparison.Ordinal) ? d["monitor:".Length..] : d))
            .ThenBy(d => d, StringComparer.Ordinal);
    }

    public static void Write(TextWriter output, AuditSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var console = Terminal.Create(output);
        console.MarkupLine($"[bold]Audit log[/] {Safe(summary.Source)}");
        var range = summary.From is null ? "no records" : $"{Time(summary.From.Value)} to {Time(summary.To!.Value)}";
        console.MarkupLine($"Covers {Safe(range)}{(summary.Since is { } since ? $" (since {Time(since)})" : "")}; "
            + $"{Count(summary.Calls, "call")} in {Count(summary.Sessions, "session")}.");
        if (summary.Malformed > 0)
        {
            console.MarkupLine(
                $"[yellow]{summary.Malformed} malformed lines[/] "
                    + $"(first: {string.Join(", ", summary.MalformedLines)}).");
        }

        if (summary.Tools.Count > 0)
        {
            ToolTable(summary).Write(console);
        }

        var approvals = summary.Approvals;
        console.MarkupLine($"Approvals: {approvals.Requested} requested, {approvals.Approved} approved, "
            + $"{approvals.Refused} refused, {approvals.Cancelled} cancelled, {approvals.Unresolved} unresolved.");
        if (summary.Outcomes > 0)
        {
            var late = summary.LateAnswers > 0
                ? $" (the server answered {summary.LateAnswers} of them later, {summary.LateAnswerErrors} "
                    + (summary.LateAnswerErrors == 1 ? "error)" : "errors)")
                : "";
            var cancelled = summary.OutcomeCancelled > 0
                ? $"{summary.OutcomeCancelled} cancelled by the client{late}, "
                : "";
            console.MarkupLine($"Forwarded calls: {summary.Outcomes - summary.OutcomeCancelled} answered, "
                + $"{summary.OutcomeErrors} errors, {cancelled}"
                + $"median {Ms(summary.MedianDurationMs)} ms, max {Ms(summary.MaxDurationMs)} ms.");
        }

        if (summary.LatestDenials.Count > 0)
        {
            console.MarkupLine($"[bold]Latest {summary.LatestDenials.Count} denials[/]");
            DenialTable(summary).Write(console);
        }
    }

    private static TextTable ToolTable(AuditSummary summary)
    {
        var decisions = OrderDecisions(summary.Tools.SelectMany(t => t.Decisions.Keys).Distinct()).ToList();
        var table = new TextTable(["tool", .. decisions, "total"])
            .RightAligned([.. Enumerable.Range(1, decisions.Count + 1)]);
        foreach (var tool in summary.Tools)
        {
            var cells = new List<TextCell> { tool.Tool };
            cells.AddRange(decisions.Select(d =>
                (TextCell)(tool.Decisions.TryGetValue(d, out var n) ? n.ToString(CultureInfo.InvariantCulture) : "-")));
            cells.Add(tool.Total.ToString(CultureInfo.InvariantCulture));
            table.AddRow([.. cells]);
        }

        return table;
    }

    private static TextTable DenialTable(AuditSummary summary)
    {
        var table = new TextTable("time", "tool", "decision", "rule", "reason").Wrapping(4);
        foreach (var denial in summary.LatestDenials)
        {
            table.AddRow(
                Time(denial.Time), denial.Tool, denial.Monitor ? denial.Decision + " (monitor)" : denial.Decision,
                denial.Rule ?? "", denial.Reason ?? "");
        }

        return table;
    }

    // The header counts what the table totals: one per call, an approval's answer not a second one.
    private static string Count(long n, string noun) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? noun : noun + "s");

    private static string Safe(string text) => Markup.Escape(TerminalText.Printable(text));

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-";
}
