using System.Buffers;
using System.Text.Json;

namespace McpGuard.Relay;

/// <summary>The messages the guard writes itself. Built with Utf8JsonWriter so every name and reason is escaped.</summary>
internal static class JsonRpcMessages
{
    public static byte[] Error(JsonRpcId? id, int code, string message) => Build(id, writer =>
    {
        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, code);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
    });

    /// <summary>The answer to a denied call (docs/relay.md#toolscall): a normal result the model can read, marked as an error.</summary>
    public static byte[] Denied(JsonRpcId id, string reason) => Build(id, writer =>
    {
        writer.WriteStartObject("result"u8);
        writer.WriteStartArray("content"u8);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, "Denied by policy: " + reason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteBoolean("isError"u8, true);
        writer.WriteEndObject();
    });

    public static byte[] Request(JsonRpcId id, string method, Action<Utf8JsonWriter>? writeParams) => Build(id, writer =>
    {
        writer.WriteString("method"u8, method);
        if (writeParams is not null)
        {
            writer.WritePropertyName("params"u8);
            writeParams(writer);
        }
    });

    public static byte[] Notification(string method) => Build(null, writer => writer.WriteString("method"u8, method), writeId: false);

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
