using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The messages the guard writes itself. Built with Utf8JsonWriter so every name and reason is escaped.
/// </summary>
internal static class JsonRpcMessages
{
    public static byte[] Error(JsonRpcId? id, int code, string message) => Build(id, writer =>
    {
        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, code);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
    });

    /// <summary>An error answer whose error object is another party's, already checked, written as it is.</summary>
    public static byte[] Error(JsonRpcId id, byte[] error) => Build(id, writer =>
    {
        writer.WritePropertyName("error"u8);
        writer.WriteRawValue(error, skipInputValidation: true);
    });

    /// <summary>
    /// The answer to a denied call (docs/relay.md#toolscall): a normal result the model can read, marked as an error;
    /// in the modern era it also says <c>"resultType":"complete"</c>, which 2026-07-28 clients require of every result.
    /// </summary>
    public static byte[] Denied(
        JsonRpcId id, string reason, ProtocolEra era = ProtocolEra.Legacy) => Build(id, writer =>
    {
        writer.WriteStartObject("result"u8);
        writer.WriteStartArray("content"u8);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, "Denied by policy: " + reason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteBoolean("isError"u8, true);
        if (era == ProtocolEra.Modern)
        {
            writer.WriteString("resultType"u8, "complete"u8);
        }

        writer.WriteEndObject();
    });

    /// <summary>
    /// The guard's approval question in the 2026-07-28 era: an <c>input_required</c> result whose one input request
    /// (under <see cref="InputRequiredRetry.ApprovalKey"/>) is the same form elicitation as in the 2025 era, and whose
    /// <c>requestState</c> is the guard's signed state; the client retries the call with both.
    /// </summary>
    public static byte[] ApprovalQuestion(
        JsonRpcId id, McpGuard.Approval.ApprovalRequest request, string requestState) => Build(id, writer =>
    {
        writer.WriteStartObject("result"u8);
        writer.WriteString("resultType"u8, "input_required"u8);
        writer.WriteStartObject("inputRequests"u8);
        writer.WriteStartObject(InputRequiredRetry.ApprovalKey);
        writer.WriteString("method"u8, ModelContextProtocol.Protocol.RequestMethods.ElicitationCreate);
        writer.WritePropertyName("params"u8);
        ElicitationChannel.WriteParams(writer, request);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("requestState"u8, requestState);
        writer.WriteEndObject();
    });

    public static byte[] Request(
        JsonRpcId id, string method, Action<Utf8JsonWriter>? writeParams) => Build(id, writer =>
    {
        writer.WriteString("method"u8, method);
        if (writeParams is not null)
        {
            writer.WritePropertyName("params"u8);
            writeParams(writer);
        }
    });

    /// <summary>An answer with an empty result (a ping's).</summary>
    public static byte[] EmptyResult(JsonRpcId id) => Build(id, writer =>
    {
        writer.WritePropertyName("result"u8);
        writer.WriteStartObject();
        writer.WriteEndObject();
    });

    public static byte[] Notification(string method) =>
        Build(null, writer => writer.WriteString("method"u8, method), writeId: false);

    /// <summary>
    /// <c>notifications/tools/list_changed</c> on one listen stream, tagged with its subscription id.
    /// </summary>
    public static byte[] ListChangedOn(JsonRpcId subscription) =>
        Build(ModelContextProtocol.Protocol.NotificationMethods.ToolListChangedNotification, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("_meta"u8);
            writer.WritePropertyName(ModernMeta.SubscriptionIdKey);
            writer.WriteRawValue(subscription.Raw, skipInputValidation: true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    /// <summary>A notification with params written by <paramref name="writeParams"/>.</summary>
    public static byte[] Build(string method, Action<Utf8JsonWriter> writeParams) => Build(null, writer =>
    {
        writer.WriteString("method"u8, method);
        writer.WritePropertyName("params"u8);
        writeParams(writer);
    }, writeId: false);

    private static byte[] Build(JsonRpcId? id, Action<Utf8JsonWriter> body, bool writeId = true)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            if (writeId)
            {
                writer.WritePropertyName("id"u8);
                if (id is { } known)
                {
                    writer.WriteRawValue(known.Raw, skipInputValidation: true);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
