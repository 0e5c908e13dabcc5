using System.IO.Pipelines;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Session;
using McpGuard.Stdio;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Approval;

public sealed class ElicitationChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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

        var outcome = ElicitationChannel.Read(document.RootElement);

        Assert.Equal(approved, outcome.Approved);
        Assert.NotEmpty(outcome.Reason);
    }

    [Theory]
    [InlineData("""{"result":{"action":"accept","content":{"approve":false}}}""", "answered without ticking Approve")]
    [InlineData("""{"result":{"action":"decline"}}""", "declined")]
    [InlineData("""{"result":{"action":"cancel"}}""", "dismissed the question")]
    [InlineData("""{"result":{"action":"ACCEPT\u001b[31m and much more"}}""", "no answer the protocol defines")]
    [InlineData("""{"result":{}}""", "no answer the protocol defines")]
    public void Read_Refusal_SaysWhatThePersonDidInTheGuardsWords(string answer, string what)
    {
        using var document = JsonDocument.Parse(answer);

        var outcome = ElicitationChannel.Read(document.RootElement);

        Assert.Equal($"the person refused in the client (elicitation: {what}).", outcome.Reason);
    }

    [Fact]
    public void Message_WithAnAgent_SaysWhoAsks()
    {
        var request = ChannelApproverTests.Request() with { Agent = "trader" };

        Assert.Contains(
            "wants to call place_order.\nAsked by: trader\n", ApprovalText.Message(request), StringComparison.Ordinal);
        Assert.DoesNotContain(
            "Asked by", ApprovalText.Message(ChannelApproverTests.Request()), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(ApprovalJson.ToBytes(request, DateTimeOffset.UnixEpoch));
        Assert.Equal("trader", json.RootElement.GetProperty("agent").GetString());
    }

    [Fact]
    public void WriteParams_Request_ShowsServerToolRuleAndArgumentsAndAsksForAnExplicitYes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ElicitationChannel.WriteParams(writer, ChannelApproverTests.Request());
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        var root = document.RootElement;
        var message = root.GetProperty("message").GetString()!;
        Assert.Contains("bybit wants to call place_order", message, StringComparison.Ordinal);
        Assert.Contains("tools.place_order", message, StringComparison.Ordinal);
        Assert.Contains("\"qty\": \"0.5\"", message, StringComparison.Ordinal);
        var schema = root.GetProperty("requestedSchema");
        Assert.Equal(
            "boolean", schema.GetProperty("properties").GetProperty("approve").GetProperty("type").GetString());
        Assert.Equal("approve", Assert.Single(schema.GetProperty("required").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task AskAsync_ClientWithoutElicitation_IsUnavailableAndSendsNothing()
    {
        await using var client = new ClientSide();
        string? why = null;

        var outcome = await new ElicitationChannel(client.Channels)
            .AskAsync(ChannelApproverTests.Request(), DateTimeOffset.MaxValue, w => why = w, Ct);

        Assert.Null(outcome);
        Assert.Contains("did not declare the elicitation capability", why, StringComparison.Ordinal);
        Assert.Equal(0, client.Channels.AwaitingClient.Count);
    }

    [Fact]
    public async Task AskAsync_ClientAccepts_ApprovesAndForgetsTheId()
    {
        await using var client = new ClientSide { Channels = { ClientSupportsElicitation = true } };

        var asking = new ElicitationChannel(client.Channels)
            .AskAsync(ChannelApproverTests.Request(), DateTimeOffset.MaxValue, _ => { }, Ct);
        using var request = await client.ReadLineAsync();
        Assert.Equal("elicitation/create", request.RootElement.GetProperty("method").GetString());
        var id = JsonRpcId.FromString(request.RootElement.GetProperty("id").GetString()!);
        Assert.True(client.Channels.AwaitingClient.TryGet(id, out var pending));
        pending.OwnResponse!.SetResult(
            JsonDocument.Parse("""{"jsonrpc":"2.0","id":0,"result":{"action":"accept","content":{"approve":true}}}"""));
        var outcome = await asking.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.True(outcome!.Approved);
        Assert.False(client.Channels.AwaitingClient.Contains(id));
    }

    [Fact]
    public async Task AskAsync_Cancelled_SendsNotificationsCancelledForItsOwnRequest()
    {
        await using var client = new ClientSide { Channels = { ClientSupportsElicitation = true } };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var asking = new ElicitationChannel(client.Channels)
            .AskAsync(ChannelApproverTests.Request(), DateTimeOffset.MaxValue, _ => { }, cancel.Token);
        using var request = await client.ReadLineAsync();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => asking.WaitAsync(TestConstants.DefaultTimeout, Ct));
        using var cancelled = await client.ReadLineAsync();

        Assert.Equal("notifications/cancelled", cancelled.RootElement.GetProperty("method").GetString());
        Assert.Equal(
            request.RootElement.GetProperty("id").GetString(),
            cancelled.RootElement.GetProperty("params").GetProperty("requestId").GetString());
        Assert.Equal(0, client.Channels.AwaitingClient.Count);
    }

    /// <summary>The relay's two outputs over pipes; the test reads what the guard sends the client.</summary>
    private sealed class ClientSide : IAsyncDisposable
    {
        private readonly Pipe _toClient = new();
        private readonly StreamReader _reader;

        public ClientSide()
        {
            Channels = new SessionChannels(new LineSink(_toClient.Writer.AsStream()), new LineSink(Stream.Null));
            _reader = new StreamReader(_toClient.Reader.AsStream());
        }

        public SessionChannels Channels { get; }

        public async Task<JsonDocument> ReadLineAsync() =>
            JsonDocument.Parse(
                await _reader.ReadLineAsync(Ct).AsTask().WaitAsync(TestConstants.DefaultTimeout, Ct)
                    ?? throw new EndOfStreamException());

        public async ValueTask DisposeAsync()
        {
            await Channels.ToClient.DisposeAsync();
            await Channels.ToServer.DisposeAsync();
            _reader.Dispose();
        }
    }
}
