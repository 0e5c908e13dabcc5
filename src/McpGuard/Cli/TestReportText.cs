using System.Globalization;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;
using Spectre.Console;

namespace McpGuard.Cli;

/// <summary>
/// The human form of a test run: one line per case with ✔ or ✘, the decision and the rule that made it; a failing
/// case also says which call, what was expected and what came instead; then <c>N passed, M failed</c>.
/// </summary>
internal static class TestReportText
{
    public static void Write(
        TextWriter output, IReadOnlyList<CaseResult> results, IReadOnlyList<UncoveredPart>? unreached = null)
    {
        var console = Terminal.Create(output);
        if (!console.Profile.Capabilities.Ansi)
        {
            // A file or a pipe (CI logs, grep): one case per line, never wrapped.
            console.Profile.Width = 4096;
        }
        foreach (var result in results)
        {
            if (result.Failure is not { } failure)
            {
                var calls = result.Calls == 1 ? "" : $"{result.Calls} calls as expected, the last: ";
                console.MarkupLine($"[green]✔[/] {Safe(result.Case.Name)} — {calls}{Safe(Decision(result.Last))}");
                continue;
            }

            console.MarkupLine($"[red]✘ {Safe(result.Case.Name)}[/] — {Safe(Expected(failure))}, "
                + $"got {Safe(failure.ResultSeen ?? Decision(failure.Actual))}");
            console.MarkupLine($"    at {Safe(Where(result.Case, failure))}");
        }

        var failed = results.Count(r => !r.Passed);
        var summary = $"{results.Count - failed} passed, {failed} failed";
        console.MarkupLine(failed == 0 ? $"[green]{summary}[/]" : $"[red]{summary}[/]");
        if (unreached is not null)
        {
            WriteCoverage(console, unreached);
        }
    }

    /// <summary>After the summary: what no case reaches, one part a line, or that every part is reached.</summary>
    private static void WriteCoverage(IAnsiConsole console, IReadOnlyList<UncoveredPart> unreached)
    {
        if (unreached.Count == 0)
        {
            console.MarkupLine("Coverage: every tools entry, rule and risk class of the policy is reached by a case.");
            return;
        }

        var parts = unreached.Count == 1 ? "1 part" : $"{unreached.Count} parts";
        console.MarkupLine($"[yellow]Coverage: {parts} of the policy no case reaches:[/]");
        foreach (var part in unreached)
        {
            console.MarkupLine($"  {Safe(part.Describe())}");
        }
    }

    /// <summary><c>deny by tools.set_leverage.rules[1]: Leverage is capped at 5x.</c></summary>
    public static string Decision(SimulatedDecision decision) =>
        DecisionWords.Summary(decision.Verdict, decision.RuleId, decision.Reason);

    public static string Expected(CaseFailure failure) => failure.Mismatch switch
    {
        CaseMismatch.Reason => $"expected {DecisionWords.ProvenWord(failure.Step.Expect)} "
            + $"with a reason containing \"{failure.Step.Reason}\"",
        CaseMismatch.Result => $"expected the sample result {failure.Step.ExpectResult!.Describe()}",
        _ => $"expected {DecisionWords.ProvenWord(failure.Step.Expect)}",
    };

    /// <summary><c>policy.cases.yaml:40 (step 2, call 1 of 1)</c>; a one-call case has no step to name.</summary>
    public static string Where(PolicyCase policyCase, CaseFailure failure)
    {
        var line = $"{policyCase.File}:{failure.Step.Line.ToString(CultureInfo.InvariantCulture)}";
        return policyCase.Steps.Count == 1 && failure.Step.Repeat == 1
            ? line
            : $"{line} (step {failure.StepIndex + 1}, call {failure.Repetition} of {failure.Step.Repeat})";
    }

    private static string Safe(string text) => Markup.Escape(TerminalText.Printable(text));
}
