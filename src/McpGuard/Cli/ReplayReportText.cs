using System.Globalization;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;
using McpGuard.Replay;
using Spectre.Console;

namespace McpGuard.Cli;

/// <summary>
/// The human form of a replay: the counts old → new, each changed call, each call that could not be replayed.
/// </summary>
internal static class ReplayReportText
{
    public static void Write(TextWriter output, string policy, string audit, ReplayReport report)
    {
        var console = Terminal.Create(output);
        if (!console.Profile.Capabilities.Ansi)
        {
            console.Profile.Width = 4096;
        }

        var replayed = report.Calls.Count(c => c.Replayed);
        var notReplayable = report.Calls.Count - replayed;
        console.MarkupLine($"Replayed {replayed} of {report.Calls.Count} recorded calls of {Safe(audit)} "
            + $"under {Safe(policy)} ({notReplayable} not replayable, {report.NotJudged} never judged by a policy, "
            + $"{report.Malformed} malformed lines).");
        foreach (var (from, to, count) in report.Transitions)
        {
            var marker = from == to ? " " : "[yellow]*[/]";
            console.MarkupLine($"  {marker} {Word(from),-16} → {Word(to),-16} {count,6}");
        }

        var changed = report.Changed.ToList();
        if (changed.Count > 0)
        {
            console.MarkupLine($"[bold]Changed ({changed.Count})[/]");
            foreach (var call in changed)
            {
                var old = $"{Word(call.Recorded.Verdict)}{(call.Recorded.RuleId is { } rule ? $" by {rule}" : "")}";
                console.MarkupLine($"  {Time(call.Recorded.Time)}  {Safe(call.Recorded.Tool)}  {Safe(old)} → "
                    + $"{Safe(TestReportText.Decision(call.Decision!))}");
            }
        }

        var lacking = report.NotReplayable.ToList();
        if (lacking.Count > 0)
        {
            console.MarkupLine($"[bold]Not replayable ({lacking.Count})[/]: "
                + $"the new decision reads arguments the log does not hold in full");
            foreach (var call in lacking)
            {
                var paths = string.Join(", ", call.MissingArguments.Select(p => p.Text));
                console.MarkupLine($"  {Time(call.Recorded.Time)}  {Safe(call.Recorded.Tool)}  "
                    + $"(line {call.Recorded.Line}; needs {Safe(paths)})");
            }
        }

        var summary = $"{changed.Count} changed, {replayed - changed.Count} unchanged, {notReplayable} not replayable";
        console.MarkupLine(changed.Count == 0 ? summary : $"[yellow]{summary}[/]");
    }

    private static string Word(CallVerdict verdict) => DecisionWords.ProvenWord(verdict);

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Safe(string text) => Markup.Escape(TerminalText.Printable(text));
}
