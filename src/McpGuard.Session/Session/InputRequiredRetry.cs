using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The retry half of a 2026-07-28 input-required round: a tools/call whose params carry <c>requestState</c> and
/// <c>inputResponses</c>. The guard's own question travels under <see cref="ApprovalKey"/> with a state that
/// starts <see cref="ApprovalStateToken.Prefix"/>; everything else belongs to the server and passes untouched.
/// </summary>
internal static class InputRequiredRetry
{
    /// <summary>
    /// The key of the guard's approval question in <c>inputRequests</c> (and of its answer in <c>inputResponses</c>).
    /// </summary>
    public const string ApprovalKey = "mcpguard/approval";

    public static string? RequestState(JsonElement parameters) =>
        parameters.ValueKind == JsonValueKind.Object
        && parameters.TryGetProperty("requestState"u8, out var state) && state.ValueKind == JsonValueKind.String
            ? state.GetString()
            : null;

    /// <summary>
    /// Only an explicit accept with <c>approve: true</c> approves; anything else (decline, cancel, absent) refuses.
    /// </summary>
    public static bool ApprovesExplicitly(JsonElement parameters) =>
        parameters.ValueKind == JsonValueKind.Object
        && parameters.TryGetProperty("inputResponses"u8, out var responses)
        && responses.ValueKind == JsonValueKind.Object
        && responses.TryGetProperty(ApprovalKey, out var answer) && answer.ValueKind == JsonValueKind.Object
        && answer.TryGetProperty("action"u8, out var action) && action.ValueKind == JsonValueKind.String
        && action.ValueEquals("accept"u8)
        && answer.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.Object
        && content.TryGetProperty("approve"u8, out var approve) && approve.ValueKind == JsonValueKind.True;

    /// <summary>
    /// The judged call without the guard's keys: the guard's <c>requestState</c> and its answer in
    /// <c>inputResponses</c> go (the latter entirely when nothing else is in it); every other member is copied raw,
    /// so the name, the arguments and any server state reach the server exactly as they were judged.
    /// </summary>
    public static byte[] WithoutGuardKeys(JsonElement message)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var member in message.EnumerateObject())
            {
                writer.WritePropertyName(member.Name);
                if (member.NameEquals("params"u8) && member.Value.ValueKind == JsonValueKind.Object)
                {
                    WriteParams(writer, member.Value);
                }
                else
                {
                    writer.WriteRawValue(member.Value.GetRawText(), skipInputValidation: true);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteParams(Utf8JsonWriter writer, JsonElement parameters)
    {
        writer.WriteStartObject();
        foreach (var member in parameters.EnumerateObject())
        {
            if (member.NameEquals("requestState"u8) && member.Value.ValueKind == JsonValueKind.String
                && ApprovalStateToken.LooksLikeOurs(member.Value.GetString()!))
            {
                continue;
            }

            if (member.NameEquals("inputResponses"u8) && member.Value.ValueKind == JsonValueKind.Object)
            {
                var others = member.Value.EnumerateObject().Where(r => !r.NameEquals(ApprovalKey)).ToList();
                if (others.Count > 0)
                {
                    writer.WriteStartObject("inputResponses"u8);
                    foreach (var response in others)
                    {
                        writer.WritePropertyName(response.Name);
                        writer.WriteRawValue(response.Value.GetRawText(), skipInputValidation: true);
                    }

                    writer.WriteEndObject();
                }

                continue;
            }

            writer.WritePropertyName(member.Name);
            writer.WriteRawValue(member.Value.GetRawText(), skipInputValidation: true);
        }

        writer.WriteEndObject();
    }
}
