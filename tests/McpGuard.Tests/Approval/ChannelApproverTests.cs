using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Approval;

public sealed class ChannelApproverTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static ApprovalRequest Request(string tool = "place_order") =>
        new("7", "bybit", tool, JsonDocument.Parse("""{"symbol":"BTCUSDT","qty":"0.5"}""").RootElement, "tools.place_order", "Big orders need a human.");

    [Fact]
    public async Task RequestAsync_FirstAvailableChannelAsks_LaterOnesAreNotAsked()
    {
        var off = new FakeChannel("elicitation", available: false);
        var desk = new FakeChannel("desk");
        var command = new FakeChannel("command");
        var approver = new ChannelApprover([off, desk, command], s_timeout, new FakeTimeProvider(), NullLogger.Instance);

        var pending = approver.RequestAsync(Request(), Ct);
        await desk.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        desk.Answer.SetResult(ApprovalOutcome.Approve("ok"));
        var outcome = await pending.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.True(outcome.Approved);
        Assert.True(off.Asked.Task.IsCompleted);
        Assert.False(command.Asked.Task.IsCompleted);
    }

    [Fact]
    public async Task RequestAsync_ChannelRefuses_RefusalReasonIsKept()
    {
        var desk = new FakeChannel("desk");
        desk.Answer.SetResult(ApprovalOutcome.Refuse("a person denied place_order on the McpGuard desk."));
        var approver = new ChannelApprover([desk], s_timeout, new FakeTimeProvider(), NullLogger.Instance);

        var outcome = await approver.RequestAsync(Request(), Ct);

        Assert.False(outcome.Approved);
        Assert.Contains("denied", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAsync_NoChannelAvailable_RefusesSayingWhichAndHowToSetOneUp()
    {
        var approver = new ChannelApprover([new FakeChannel("elicitation", false), new FakeChannel("desk", false)], s_timeout, new FakeTimeProvider(), NullLogger.Instance);

        var outcome = await approver.RequestAsync(Request(), Ct);

        Assert.False(outcome.Approved);
        Assert.Contains("no approval channel was available", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("elicitation: elicitation is switched off", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("desk: desk is switched off", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("docs/approval.md", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAsync_NoChannelsConfigured_Refuses()
    {
        var approver = new ChannelApprover([], s_timeout, new FakeTimeProvider(), NullLogger.Instance);

        var outcome = await approver.RequestAsync(Request(), Ct);

        Assert.False(outcome.Approved);
        Assert.Contains("no approval channel is configured", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAsync_Timeout_RefusesAndCancelsTheChannel()
    {
        var time = new FakeTimeProvider();
        var desk = new FakeChannel("desk");
        var approver = new ChannelApprover([desk], TimeSpan.FromSeconds(2), time, NullLogger.Instance);

        var pending = approver.RequestAsync(Request(), Ct);
        var channelToken = await desk.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await pending.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.False(outcome.Approved);
        Assert.Contains("timed out after 2s", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("desk", outcome.Reason, StringComparison.Ordinal);
        Assert.True(channelToken.IsCancellationRequested);
    }

    [Fact]
    public async Task RequestAsync_AnswerAfterTheTimeout_ChangesNothing()
    {
        var time = new FakeTimeProvider();
        var desk = new FakeChannel("desk");
        var approver = new ChannelApprover([desk], TimeSpan.FromSeconds(2), time, NullLogger.Instance);

        var pending = approver.RequestAsync(Request(), Ct);
        await desk.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        time.Advance(TimeSpan.FromSeconds(2));
        desk.Answer.SetResult(ApprovalOutcome.Approve("too late"));
        var outcome = await pending.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.False(outcome.Approved);
    }

    [Fact]
    public async Task RequestAsync_Withdrawn_ThrowsAndCancelsTheChannel()
    {
        var desk = new FakeChannel("desk");
        var approver = new ChannelApprover([desk], s_timeout, new FakeTimeProvider(), NullLogger.Instance);
        using var withdrawn = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var pending = approver.RequestAsync(Request(), withdrawn.Token);
        var channelToken = await desk.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        await withdrawn.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TestConstants.DefaultTimeout, Ct));
        Assert.True(channelToken.IsCancellationRequested);
        desk.Answer.SetResult(ApprovalOutcome.Approve("after the withdrawal"));
    }
}
