using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

public sealed class SamplingWithToolsTests
{
    [Theory]
    [InlineData("""{"messages":[],"maxTokens":5,"tools":[{"name":"x","inputSchema":{}}]}""", true)]
    [InlineData("""{"messages":[],"maxTokens":5,"tools":[]}""", false)]
    [InlineData("""{"messages":[],"maxTokens":5}""", false)]
    [InlineData("""{"messages":[],"tools":{"name":"x"}}""", false)]
    public void OffersTools_SamplingParams_OnlyANonEmptyToolList(string parameters, bool offers)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.Equal(offers, SamplingWithTools.OffersTools(document.RootElement));
    }

    [Theory]
    [InlineData(
        """{"resultType":"input_required","inputRequests":{"pick":"""
            + """{"method":"sampling/createMessage","params":{"messages":[],"tools":[{"name":"x"}]}}}}""",
        true)]
    [InlineData(
        """{"resultType":"input_required","inputRequests":{"a":{"method":"elicitation/create","params":"""
            + """{"tools":[{"name":"x"}]}},"b":{"method":"sampling/createMessage","params":{"messages":[]}}}}""",
        false)]
    [InlineData(
        """{"resultType":"input_required","inputRequests":{"a":{"method":"elicitation/create"}"""
            + ""","b":{"method":"sampling\/createMessage","params":{"tools":[{}]}}}}""",
        true)]
    [InlineData("""{"resultType":"input_required","requestState":"s"}""", false)]
    public void AmongInputRequests_Round_FindsSamplingWithTools(string result, bool found)
    {
        using var document = JsonDocument.Parse(result);

        Assert.Equal(found, SamplingWithTools.AmongInputRequests(document.RootElement));
    }

    [Theory]
    [InlineData("""{"role":"assistant","content":{"type":"tool_use","id":"u","name":"a","input":{"x":1}}}""", "a")]
    [InlineData(
        """{"role":"assistant","content":[{"type":"text","text":"hi"}"""
            + """,{"type":"tool_use","id":"u","name":"a","input":{}}"""
            + """,{"type":"tool_use","id":"v","name":"b","input":{}}]}""",
        "a,b")]
    [InlineData("""{"role":"assistant","content":[{"type":"tool_use","id":"u","name":7,"input":{}}]}""", "?")]
    [InlineData("""{"role":"assistant","content":[{"type":"tool_use","id":"u","name":"a","input":[1]}]}""", "?")]
    [InlineData("""{"role":"assistant","content":{"type":"text","text":"tool_use"}}""", "")]
    public void PickedTool_SamplingResult_EveryToolUseAndUnreadableOnesMarked(string result, string expected)
    {
        using var document = JsonDocument.Parse(result);
        var picks = new List<PickedTool>();

        PickedTool.AddFromResult(document.RootElement, picks);

        Assert.Equal(expected, string.Join(",", picks.Select(p => p.Name ?? "?")));
    }

    [Theory]
    [InlineData(
        """{"name":"t","inputResponses":{"pick":{"role":"assistant","content":"""
            + """{"type":"tool_use","id":"u","name":"a","input":{}}}}}""",
        "a")]
    [InlineData(
        """{"name":"t","inputResponses":{"pick":{"method":"sampling/createMessage","result":"""
            + """{"content":[{"type":"tool_use","id":"u","name":"b","input":{}}]}}}}""",
        "b")]
    [InlineData("""{"name":"t","inputResponses":{"sure":{"action":"accept","content":{"sure":true}}}}""", "")]
    [InlineData("""{"name":"t"}""", "")]
    public void PickedTool_InputResponses_BareAndEnvelopedAnswers(string parameters, string expected)
    {
        using var document = JsonDocument.Parse(parameters);

        Assert.Equal(
            expected, string.Join(",", PickedTool.InInputResponses(document.RootElement).Select(p => p.Name ?? "?")));
    }

    [Theory]
    [InlineData(
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
            + """{"capabilities":{"sampling":{"tools":{},"context":{}},"roots":{}}}}""",
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
            + """{"capabilities":{"sampling":{"context":{}},"roots":{}}}}""")]
    [InlineData(
        """{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"x","_meta":"""
            + """{"io.modelcontextprotocol/clientCapabilities":{"sampling":{"tools":{}}}}}}""",
        """{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":"""
            + """{"name":"x","_meta":{"io.modelcontextprotocol/clientCapabilities":{"sampling":{}}}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"sampling":{}}}}""", null)]
    [InlineData(
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"""
            + """{"name":"sampling","arguments":{"sampling":{"tools":1}}}}""",
        null)]
    public void SamplingToolsCapability_Strip_OnlyTheCapabilityGoes(string message, string? expected)
    {
        using var document = JsonDocument.Parse(message);

        var stripped = SamplingToolsCapability.Strip(document.RootElement);

        Assert.Equal(expected, stripped is null ? null : System.Text.Encoding.UTF8.GetString(stripped));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"task":{"taskId":"a","status":"working"}}}""", "a")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"resultType":"task","taskId":"b","status":"working"}}""", "b")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"structuredContent":{"taskId":"c"}}}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"\"taskId\""}]}}""", null)]
    public void TaskHandles_TryReadCreated_OnlyTaskHandles(string line, string? taskId)
    {
        var read = TaskHandles.TryReadCreated(
            new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(line)), out var id);

        Assert.Equal(taskId is not null, read);
        Assert.Equal(taskId ?? "", read ? id : "");
    }
}
