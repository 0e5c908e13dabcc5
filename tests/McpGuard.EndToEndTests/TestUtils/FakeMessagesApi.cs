using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A stand-in for Anthropic's Messages API (<c>POST /v1/messages</c>, streamed as server-sent events) that plays the
/// model for Claude Code's <c>-p</c>: a prompt <c>CALL TOOL ARGS_JSON</c> is answered with that one <c>tool_use</c>,
/// and once Claude Code sends the tool's result back, with a line of text that ends the turn. Every request is kept,
/// so a test reads the <c>tool_result</c> Claude Code got from the MCP server (or from the guard in its place).
/// </summary>
internal sealed class FakeMessagesApi : IAsyncDisposable
{
    private const string ToolUseId = "toolu_mcpguard_1";
    private readonly ScriptedUpstream _http = new(Answer);

    /// <summary>For <c>ANTHROPIC_BASE_URL</c>.</summary>
    public string BaseUrl => new Uri(_http.Url).GetLeftPart(UriPartial.Authority);

    /// <summary>The <c>tool_result</c> blocks Claude Code sent back, in the order they came.</summary>
    public IReadOnlyList<JsonNode> ToolResults =>
        [.. _http.Requests.Where(r => r.Method == "POST").SelectMany(r => Blocks(r.Body, "tool_result"))
            .Where(b => (string?)b["tool_use_id"] == ToolUseId)];

    public ValueTask DisposeAsync() => _http.DisposeAsync();

    /// <summary>The text of a tool result's content: a string, or its text blocks joined.</summary>
    public static string Text(JsonNode toolResult) => toolResult["content"] switch
    {
        JsonValue value => (string?)value ?? "",
        JsonArray blocks => string.Concat(blocks.Select(b => (string?)b?["text"] ?? "")),
        _ => "",
    };

    private static string Answer(UpstreamRequest request)
    {
        if (request.Method != "POST")
        {
            return ScriptedUpstream.Response("200 OK", "application/json", "{}");
        }

        var prompt = Blocks(request.Body, "text").Select(b => (string?)b["text"] ?? "")
            .FirstOrDefault(text => text.StartsWith("CALL ", StringComparison.Ordinal));
        var events = prompt is not null && !Blocks(request.Body, "tool_result").Any()
            ? ToolUse(prompt.Split(' ', 3))
            : Reply("done");
        return ScriptedUpstream.Response("200 OK", "text/event-stream", events);
    }

    private static IEnumerable<JsonNode> Blocks(string body, string type) =>
        JsonNode.Parse(body)?["messages"] is JsonArray messages
            ? messages.Select(m => m?["content"]).OfType<JsonArray>().SelectMany(content => content)
                .OfType<JsonNode>().Where(block => (string?)block["type"] == type)
            : [];

    // CALL NAME ARGS: the tool's input streamed as one input_json_delta, as the API streams it.
    private static string ToolUse(string[] call) => Message(
        "tool_use",
        new JsonObject { ["type"] = "tool_use", ["id"] = ToolUseId, ["name"] = call[1], ["input"] = new JsonObject() },
        new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = call[2] });

    private static string Reply(string text) => Message(
        "end_turn",
        new JsonObject { ["type"] = "text", ["text"] = "" },
        new JsonObject { ["type"] = "text_delta", ["text"] = text });

    private static string Message(string stopReason, JsonObject block, JsonObject delta)
    {
        var usage = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = 1 };
        var events = new StringBuilder();
        void Event(string name, JsonObject data)
        {
            data["type"] = name;
            events.Append("event: ").Append(name).Append("\ndata: ").Append(data.ToJsonString()).Append("\n\n");
        }

        Event("message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = "msg_" + stopReason, ["type"] = "message", ["role"] = "assistant", ["model"] = "fake",
                ["content"] = new JsonArray(), ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = usage,
            },
        });
        Event("content_block_start", new JsonObject { ["index"] = 0, ["content_block"] = block });
        Event("content_block_delta", new JsonObject { ["index"] = 0, ["delta"] = delta });
        Event("content_block_stop", new JsonObject { ["index"] = 0 });
        Event("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = 5 },
        });
        Event("message_stop", []);
        return events.ToString();
    }
}
