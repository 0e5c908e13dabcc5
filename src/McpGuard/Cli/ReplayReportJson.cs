using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;
using McpGuard.Replay;

namespace McpGuard.Cli;

/// <summary>The <c>mcpguard replay --json</c> form of a report (fields in docs/testing.md).</summary>
internal static class ReplayReportJson
{
    public static string Format(string policy, string audit, ReplayReport report)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("policy", policy);
            writer.WriteString("audit", audit);
            writer.WriteNumber("calls", report.Calls.Count);
            writer.WriteNumber("replayed", report.Calls.Count(c => c.Replayed));
            writer.WriteNumber("changed", report.Changed.Count());
            writer.WriteNumber("not_replayable", report.NotReplayable.Count());
            writer.WriteNumber("not_judged", report.NotJudged);
            writer.WriteNumber("malformed", report.Malformed);
            writer.WriteStartArray("transitions");
            foreach (var (from, to, count) in report.Transitions)
            {
                writer.WriteStartObject();
                writer.WriteString("from", DecisionWords.ProvenWord(from));
                writer.WriteString("to", DecisionWords.ProvenWord(to));
                writer.WriteNumber("count", count);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("changes");
            foreach (var call in report.Changed)
            {
                writer.WriteStartObject();
                WriteCall(writer, call.Recorded);
                writer.WriteStartObject("old");
                writer.WriteString("decision", DecisionWords.ProvenWord(call.Recorded.Verdict));
                WriteOptional(writer, "rule", call.Recorded.RuleId);
                writer.WriteEndObject();
                writer.WriteStartObject("new");
                writer.WriteString("decision", DecisionWords.ProvenWord(call.Decision!.Verdict));
                writer.WriteString("rule", call.Decision.RuleId);
                WriteOptional(writer, "reason", call.Decision.Reason);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("not_replayable_calls");
            foreach (var call in report.NotReplayable)
            {
                writer.WriteStartObject();
                WriteCall(writer, call.Recorded);
                writer.WriteStartArray("needs");
                foreach (var path in call.MissingArguments)
                {
                    writer.WriteStringValue(path.Text);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteCall(Utf8JsonWriter writer, RecordedCall call)
    {
        writer.WriteString(
            "time", call.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("call_id", call.CallId);
        writer.WriteString("tool", call.Tool);
        writer.WriteNumber("line", call.Line);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
