using System.Text;
using System.Text.Json;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;

namespace McpGuard.Cli;

/// <summary>The <c>mcpguard test --json</c> form of a run (fields in docs/testing.md).</summary>
internal static class TestReportJson
{
    public static string Format(
        string policy, IReadOnlyList<CaseResult> results, IReadOnlyList<UncoveredPart>? unreached = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("policy", policy);
            writer.WriteNumber("passed", results.Count(r => r.Passed));
            writer.WriteNumber("failed", results.Count(r => !r.Passed));
            writer.WriteStartArray("cases");
            foreach (var result in results)
            {
                writer.WriteStartObject();
                writer.WriteString("name", result.Case.Name);
                writer.WriteString("file", result.Case.File);
                writer.WriteNumber("line", result.Case.Line);
                writer.WriteBoolean("passed", result.Passed);
                writer.WriteNumber("calls", result.Calls);
                WriteDecision(writer, result.Last);
                if (result.Failure is { } failure)
                {
                    writer.WriteStartObject("failure");
                    writer.WriteNumber("line", failure.Step.Line);
                    writer.WriteNumber("step", failure.StepIndex + 1);
                    writer.WriteNumber("call", failure.Repetition);
                    writer.WriteString("mismatch", failure.Mismatch switch
                    {
                        CaseMismatch.Reason => "reason",
                        CaseMismatch.Result => "result",
                        _ => "decision",
                    });
                    writer.WriteString("expected", DecisionWords.ProvenWord(failure.Step.Expect));
                    if (failure.Step.Reason is { } reason)
                    {
                        writer.WriteString("expected_reason", reason);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (unreached is not null)
            {
                WriteCoverage(writer, unreached);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary><c>"unreached": [{ "id": "tools.get_server_time", "kind": "entry" }]</c>.</summary>
    private static void WriteCoverage(Utf8JsonWriter writer, IReadOnlyList<UncoveredPart> unreached)
    {
        writer.WriteStartArray("unreached");
        foreach (var part in unreached)
        {
            writer.WriteStartObject();
            writer.WriteString("id", part.Id);
            writer.WriteString("kind", part.Gap switch
            {
                CoverageGap.Entry => "entry",
                CoverageGap.Rule => "rule",
                CoverageGap.EntryAction => "entry_action",
                _ => "risk_class",
            });
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteDecision(Utf8JsonWriter writer, SimulatedDecision decision)
    {
        writer.WriteString("decision", DecisionWords.ProvenWord(decision.Verdict));
        writer.WriteString("rule", decision.RuleId);
        if (decision.Reason is { } reason)
        {
            writer.WriteString("reason", reason);
        }
    }
}
