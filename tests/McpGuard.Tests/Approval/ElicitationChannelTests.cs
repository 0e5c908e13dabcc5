using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Relay;

namespace McpGuard.Tests.Approval;

public sealed class ElicitationChannelTests
{
    [Theory]
    [InlineData("""{}""", false)]
    [InlineData("""{"sampling":{}}""", false)]
    [InlineData("""{"elicitation":{}}""", true)]
    [InlineData("""{"elicitation":{"form":{}}}""", true)]
    [InlineData("""{"elicitation":{"form":{},"url":{}}}""", true)]
    [InlineData("""{"elicitation":{"url":{}}}""", false)]
    [InlineData("""{"elicitation":true}""", false)]
    public void DeclaresForm_Capabilities_OnlyFormCapableClientsCount(string capabilities, bool expected)
    {
        using var document = JsonDocument.Parse(capabilities);

        Assert.Equal(expected, ClientElicitation.DeclaresForm(document.RootElement));
    }

    [Fact]
    public void DeclaresForm_NoInitializeYet_IsFalse() => Assert.False(ClientElicitation.DeclaresForm(null));

    [Theory]
    [InlineData("""{"result":{"action":"accept","content":{"approve":true}}}""", true)]
    [InlineData("""{"result":{"action":"accept","content":{"approve":false}}}""", false)]
    [InlineData("""{"result":{"action":"accept","content":{"approve":"true"}}}""", false)]
    [InlineData("""{"result":{"action":"accept","content":{}}}""", false)]
    [InlineData("""{"result":{"action":"accept"}}""", false)]
    [InlineData("""{"result":{"action":"decline"}}""", false)]
    [InlineData("""{"result":{"action":"cancel"}}""", false)]
    [InlineData("""{"error":{"code":-32601,"message":"Method not found"}}""", false)]
    [InlineData("""{"result":{}}""", false)]
    public void Read_Answer_OnlyAnExplicitYesApproves(string answer, bool approved)
    {
        using var document = JsonDocument.Parse(answer);

        var outcome = ElicitationChannel.Read(document.RootElement, "place_order");

        Assert.Equal(approved, outcome.Approved);
        Assert.NotEmpty(outcome.Reason);
    }

    [Fact]
    public void WriteParams_Request_ShowsServerToolAndArgumentsAndAsksForAnExplicitYes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ElicitationChannel.WriteParams(writer, ChannelApproverTests.Request());
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        var root = document.RootElement;
        var message = root.GetProperty("message").GetString()!;
        Assert.Contains("bybit", message, StringComparison.Ordinal);
        Assert.Contains("place_order", message, StringComparison.Ordinal);
        Assert.Contains("\"qty\": \"0.5\"", message, StringComparison.Ordinal);
        var schema = root.GetProperty("requestedSchema");
        Assert.Equal("boolean", schema.GetProperty("properties").GetProperty("approve").GetProperty("type").GetString());
        Assert.Equal("approve", Assert.Single(schema.GetProperty("required").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task AskAsync_ClientWithoutElicitation_IsUnavailable()
    {
        var channel = new ElicitationChannel(new NoElicitation());
        string? why = null;

        var outcome = await channel.AskAsync(ChannelApproverTests.Request(), DateTimeOffset.MaxValue, w => why = w, TestContext.Current.CancellationToken);

        Assert.Null(outcome);
        Assert.Contains("did not declare", why, StringComparison.Ordinal);
    }

    [Fact]
    public void PrettyArguments_Huge_IsTruncatedSaying()
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(new { blob = new string('x', 10_000) }));

        var text = ApprovalText.PrettyArguments(document.RootElement);

        Assert.True(text.Length < 2100);
        Assert.Contains("more characters", text, StringComparison.Ordinal);
    }

    private sealed class NoElicitation : IElicitingClient
    {
        public bool SupportsFormElicitation => false;

        public Task<JsonDocument> ElicitAsync(Action<Utf8JsonWriter> writeParams, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("must not be asked");
    }
}
