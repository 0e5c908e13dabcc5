using System.Globalization;
using System.Text.Json;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;

namespace McpGuard.Audit;

/// <summary>
/// Writes records as single JSON objects (the schema is docs/audit.md). Every name and value goes through
/// <see cref="Utf8JsonWriter"/> with the default encoder, so a line is pure ASCII: quotes, newlines, U+2028 and
/// every other non-ASCII character are escaped and no content can end a line or start another record.
/// </summary>
internal static class AuditRecordSerializer
{
    public const string UnserializableArguments = "[unserializable]";

    /// <summary>
    /// The record schema's version (docs/audit.md#versions). Version 1 records carry no <c>version</c> field;
    /// version 2 adds it and a decision's <c>arguments_recorded</c>, which replay needs.
    /// </summary>
    public const int SchemaVersion = 2;

    public static void WriteDecision(
        Utf8JsonWriter writer,
        AuditRecordContext context,
        AuditDecisionRecord record,
        AuditArgumentsMode mode,
        bool argumentsFallback)
    {
        writer.WriteStartObject();
        WriteHeader(writer, context, "decision", record.CallId, record.RequestId);
        WriteOptionalString(writer, "agent", record.Agent);
        WriteOptionalString(writer, "tool", record.Tool);
        writer.WriteString("decision", DecisionWords.Audit(record.Decision));
        if (record.Monitor)
        {
            writer.WriteBoolean("monitor", true);
        }

        if (record.Sampled)
        {
            writer.WriteBoolean("sampled", true);
        }

        WriteOptionalString(writer, "rule", record.RuleId);
        WriteOptionalString(writer, "reason", record.Reason);
        WriteOptionalString(writer, "detail", record.Detail);
        WriteOptionalString(writer, "risk", record.Risk);
        var recorded = AuditArgumentsRecorded.Full;
        if (record.Arguments is { ValueKind: not JsonValueKind.Undefined } arguments)
        {
            recorded = mode == AuditArgumentsMode.None || argumentsFallback
                ? AuditArgumentsRecorded.None
                : AuditArgumentsRecorded.Full;
            if (mode != AuditArgumentsMode.None)
            {
                writer.WritePropertyName("arguments");
                if (argumentsFallback)
                {
                    writer.WriteStringValue(UnserializableArguments);
                }
                else
                {
                    recorded = WriteArguments(writer, arguments, mode);
                }
            }
        }

        if (record.Tool is not null)
        {
            writer.WriteString("arguments_recorded", AuditArgumentsRecordedText.ToWire(recorded));
        }

        writer.WriteEndObject();
    }

    public static void WriteOutcome(Utf8JsonWriter writer, AuditRecordContext context, AuditOutcomeRecord record)
    {
        writer.WriteStartObject();
        WriteHeader(writer, context, record.LateAnswer ? "late_answer" : "outcome", record.CallId, record.RequestId);
        WriteOptionalString(writer, "agent", record.Agent);
        WriteOptionalString(writer, "tool", record.Tool);
        writer.WriteNumber("duration_ms", Math.Round(record.Duration.TotalMilliseconds, 3));
        writer.WriteBoolean("is_error", record.IsError);
        if (record.ErrorCode is { } code)
        {
            writer.WriteNumber("error_code", code);
        }

        WriteOptionalString(writer, "task_status", record.TaskStatus);
        if (record.Cancelled)
        {
            writer.WriteBoolean("cancelled", true);
        }

        if (record.Results is { } results)
        {
            writer.WriteStartObject("results");
            writer.WriteString("outcome", results.Outcome);
            writer.WriteStartObject("matches");
            foreach (var (detector, count) in results.Matches)
            {
                writer.WriteNumber(detector, count);
            }

            writer.WriteEndObject();
            if (results.Monitor)
            {
                writer.WriteBoolean("monitor", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static void WriteLimitsReset(
        Utf8JsonWriter writer, AuditRecordContext context, AuditLimitsResetRecord record)
    {
        writer.WriteStartObject();
        WriteHeader(writer, context, "limits_reset", record.CallId, null);
        writer.WriteString("entry", record.Entry);
        writer.WriteString("namespace", record.Namespace);
        writer.WriteString("store", record.Store);
        writer.WriteNumber("counters", record.Counters);
        writer.WriteString("user", record.User);
        writer.WriteEndObject();
    }

    private static void WriteHeader(
        Utf8JsonWriter writer, AuditRecordContext context, string type, string callId, JsonElement? requestId)
    {
        writer.WriteString("type", type);
        writer.WriteNumber("version", SchemaVersion);
        Span<char> time = stackalloc char[32];
        context.Time.UtcDateTime.TryFormat(
            time, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteString("time", time[..length]);
        writer.WriteString("session", context.Session);
        writer.WriteString("server", context.Server);
        writer.WriteString("call_id", callId);
        if (requestId is { ValueKind: JsonValueKind.String or JsonValueKind.Number } id)
        {
            // A number is copied as written (9007199254740993 stays exact); a string is re-escaped.
            writer.WritePropertyName("request_id");
            id.WriteTo(writer);
        }
    }

    private static AuditArgumentsRecorded WriteArguments(
        Utf8JsonWriter writer, JsonElement arguments, AuditArgumentsMode mode)
    {
        switch (mode)
        {
            case AuditArgumentsMode.Full:
                arguments.WriteTo(writer);
                return AuditArgumentsRecorded.Full;
            case AuditArgumentsMode.Hash:
                writer.WriteStringValue(AuditArguments.Hash(arguments));
                return AuditArgumentsRecorded.Hash;
            default:
                // Redaction that found nothing to replace leaves the arguments whole: replay can use them as they are.
                return AuditArguments.WriteRedacted(writer, arguments)
                    ? AuditArgumentsRecorded.Redacted
                    : AuditArgumentsRecorded.Full;
        }
    }

    private static void WriteOptionalString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
