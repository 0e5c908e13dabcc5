using System.Text.Encodings.Web;
using System.Text.Json;

namespace McpGuard.Approval;

/// <summary>How a request is shown to a person: arguments as indented JSON, cut to a readable size.</summary>
internal static class ApprovalText
{
    public const int MaxArgumentsChars = 2000;

    // Relaxed escaping: a person reads this text, and no JSON parser does (the desk page sets it as textContent).
    private static readonly JsonWriterOptions s_pretty = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string PrettyArguments(JsonElement arguments, int maxChars = MaxArgumentsChars)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return "{}";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_pretty))
        {
            arguments.WriteTo(writer);
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        return text.Length <= maxChars ? text : string.Concat(text.AsSpan(0, maxChars), $"\n… ({text.Length - maxChars} more characters)");
    }

    /// <summary>The question as the client shows it (elicitation): server, tool, rule, arguments.</summary>
    public static string Message(ApprovalRequest request) =>
        $"McpGuard: {request.ServerName} wants to call {request.ToolName}.\n" +
        $"Rule: {request.RuleId}{(request.Reason is { Length: > 0 } reason ? " — " + reason : "")}\n" +
        $"Arguments:\n{PrettyArguments(request.Arguments)}\n" +
        (request.Changes is { Count: > 0 } changes
            ? $"The tool's definition differs from its pin in {changes.Count} line{(changes.Count == 1 ? "" : "s")}; the desk and `mcpguard pin --check` show them.\n"
            : "") +
        "\nApprove this call?";
}
