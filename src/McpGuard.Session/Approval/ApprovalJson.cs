using System.Text.Json;

namespace McpGuard.Approval;

/// <summary>
/// The request as one JSON document, as the command channel's program reads it on stdin and the desk
/// receives it: <c>call_id, server, tool, agent, arguments, rule, reason, changes, deadline</c> (docs/approval.md).
/// </summary>
internal static class ApprovalJson
{
    public static byte[] ToBytes(ApprovalRequest request, DateTimeOffset deadline)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("call_id"u8, request.CallId);
            writer.WriteString("server"u8, request.ServerName);
            writer.WriteString("tool"u8, request.ToolName);
            if (request.Agent is not null)
            {
                writer.WriteString("agent"u8, request.Agent);
            }

            writer.WritePropertyName("arguments"u8);
            if (request.Arguments.ValueKind == JsonValueKind.Object)
            {
                request.Arguments.WriteTo(writer);
            }
            else
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }

            writer.WriteString("rule"u8, request.RuleId);
            if (request.Reason is not null)
            {
                writer.WriteString("reason"u8, request.Reason);
            }

            if (request.Changes is { Count: > 0 } changes)
            {
                writer.WriteStartArray("changes"u8);
                foreach (var line in changes)
                {
                    writer.WriteStringValue(line);
                }

                writer.WriteEndArray();
            }

            writer.WriteString("deadline"u8, deadline);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
