using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGuard.Audit;

namespace McpGuard.Cli;

/// <summary>The <c>mcpguard audit --json</c> form of a summary (names as in docs/audit.md).</summary>
internal static class AuditSummaryJson
{
    public static string Format(AuditSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("source", summary.Source);
            WriteTime(writer, "since", summary.Since);
            writer.WriteNumber("lines", summary.Lines);
            writer.WriteNumber("decisions", summary.Decisions);
            writer.WriteNumber("calls", summary.Calls);
            writer.WriteNumber("outcomes", summary.Outcomes);
            writer.WriteNumber("malformed", summary.Malformed);
            writer.WriteStartArray("malformed_lines");
            foreach (var line in summary.MalformedLines)
            {
                writer.WriteNumberValue(line);
            }

            writer.WriteEndArray();
            WriteTime(writer, "from", summary.From);
            WriteTime(writer, "to", summary.To);
            writer.WriteNumber("sessions", summary.Sessions);
            writer.WriteStartArray("tools");
            foreach (var tool in summary.Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("tool", tool.Tool);
                writer.WriteNumber("total", tool.Total);
                writer.WriteStartObject("decisions");
                foreach (var (decision, count) in AuditSummaryText.OrderDecisions(tool.Decisions.Keys)
                    .Select(d => (d, tool.Decisions[d])))
                {
                    writer.WriteNumber(decision, count);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("latest_denials");
            foreach (var denial in summary.LatestDenials)
            {
                writer.WriteStartObject();
                WriteTime(writer, "time", denial.Time);
                writer.WriteString("tool", denial.Tool);
                writer.WriteString("decision", denial.Decision);
                writer.WriteString("rule", denial.Rule);
                writer.WriteString("reason", denial.Reason);
                writer.WriteBoolean("monitor", denial.Monitor);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("approvals");
            writer.WriteNumber("requested", summary.Approvals.Requested);
            writer.WriteNumber("approved", summary.Approvals.Approved);
            writer.WriteNumber("refused", summary.Approvals.Refused);
            writer.WriteNumber("cancelled", summary.Approvals.Cancelled);
            writer.WriteNumber("unresolved", summary.Approvals.Unresolved);
            writer.WriteEndObject();
            writer.WriteNumber("outcome_errors", summary.OutcomeErrors);
            writer.WriteNumber("outcome_cancelled", summary.OutcomeCancelled);
            writer.WriteNumber("late_answers", summary.LateAnswers);
            writer.WriteNumber("late_answer_errors", summary.LateAnswerErrors);
            WriteNumber(writer, "median_duration_ms", summary.MedianDurationMs);
            WriteNumber(writer, "max_duration_ms", summary.MaxDurationMs);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(
                name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
