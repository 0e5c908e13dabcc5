using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Policy.Settings;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Approval;

public sealed class ChannelApproverTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static ApprovalRequest Request(string tool = "place_order") =>
        new(
            "7", "bybit", tool, JsonDocument.Parse("""{"symbol":"BTCUSDT","qty":"0.5"}""").RootElement,
            "tools.place_order", "Big orders need a human.");

    private static ChannelApprover Approver(TimeProvider time, TimeSpan timeout, params FakeChannel[] channels) =>
        Approver(
            time, new ApprovalSettings { Timeout = timeout, Channels = [.. channels.Select(c => c.Name)] }, channels);

    private static ChannelApprover Approver(
        TimeProvider time, ApprovalSettings settings, params FakeChannel[] channels) =>
        new(() => settings, channels.ToDictionary(c => c.Name, c => (IApprovalChannel)c), time, NullLogger.Instance);

    [Fact]
    public async Task RequestAsync_FirstAvailableChannelAsks_LaterOnesAreNotAsked()
    {
        var off = new FakeChannel("elicitation", available: false);
        var desk = new FakeChannel("desk");
        var command = new FakeChannel("command");
        var time = new FakeTimeProvider();
        var approver = Approver(time, s_timeout, off, desk, command);

        var pending = approver.RequestAsync(Request(), Ct);
        await desk.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        desk.Answer.SetResult(ApprovalOutcome.Approve("ok"));
        var outcome = await pending.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.True(outcome.Approved);
        Assert.True(off.Asked.Task.IsCompleted);
        Assert.False(command.Asked.Task.IsCompleted);
        Assert.Equal(time.GetUtcNow() + s_timeout, desk.Deadline);
    }

    [Fact]
    public async Task RequestAsync_ChannelsAreTriedInThePolicysOrder()
    {
        var desk = new FakeChannel("desk");
        var command = new FakeChannel("command");
        var approver = Approver(
            new FakeTimeProvider(), new ApprovalSettings { Channels = ["command", "desk"] }, desk, command);

        var pending = approver.RequestAsync(Request(), Ct);
        await command.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        command.Answer.SetResult(ApprovalOutcome.Refuse("no"));
        await pending.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.False(desk.Asked.Task.IsCompleted);
    }

    [Fact]
    public async Task RequestAsync_ChannelRefuses_RefusalReasonIsKept()
    {
        var desk = new FakeChannel("desk");
        desk.Answer.SetResult(ApprovalOutcome.Refuse("a person denied place_order on the McpGuard desk."));

        var outcome = await Approver(new FakeTimeProvider(), s_timeout, desk).RequestAsync(Request(), Ct);

        Assert.False(outcome.Approved);
        Assert.Equal("a person denied place_order on the McpGuard desk.", outcome.Reason);
    }

    [Fact]
    public async Task RequestAsync_NoChannelAvailable_RefusesSayingWhichAndHowToSetOneUp()
    {
        var approver = Approver(
            new FakeTimeProvider(), s_timeout, new FakeChannel("elicitation", false), new FakeChannel("desk", false));

        var outcome = await approver.RequestAsync(Request(), Ct);

        Assert.False(outcome.Approved);
        Assert.Contains("no approval channel is available", outcome.Reason, StringComparison.Ordinal);
        Assert.True(outcome.Reason.Length <= 200, outcome.Reason);
        Assert.DoesNotContain("switched off", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("mcpguard desk", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("elicitation: elicitation is switched off", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("desk: desk is switched off", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("mcpguard desk", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("docs/approval.md", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAsync_NoChannelsConfigured_Refuses()
    {
        var outcome = await Approver(new FakeTimeProvider(), new ApprovalSettings { Channels = [] })
            .RequestAsync(Request(), Ct);

        Assert.False(outcome.Approved);
        Assert.Contains("none is configured", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAsync_Timeout_RefusesAndCancelsTheChannel()
    {
        var time = new FakeTimeProvider();
        var desk = new FakeChannel("desk");
        var approver = Approver(time, TimeSpan.FromSeconds(2), desk);

        var pending = approver.RequestAsync(Request(), Ct);
        var channelToken = await desk.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await pending.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.False(outcome.Approved);
        Assert.Contains("on the desk channel within 2s", outcome.Reason, StringComparison.Ordinal);
        Assert.True(channelToken.IsCancellationRequested);
    }

    [Fact]
    public async Task RequestAsync_AnswerAfterTheTimeout_ChangesNothing()
    {
        var time = new FakeTimeProvider();
        var desk = new FakeChannel("desk");
        var approver = Approver(time, TimeSpan.FromSeconds(2), desk);

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
        var approver = Approver(new FakeTimeProvider(), s_timeout, desk);
        using var withdrawn = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var pending = approver.RequestAsync(Request(), withdrawn.Token);
        var channelToken = await desk.Asked.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        await withdrawn.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => pending.WaitAsync(TestConstants.DefaultTimeout, Ct));
        Assert.True(channelToken.IsCancellationRequested);
        desk.Answer.SetResult(ApprovalOutcome.Approve("after the withdrawal"));
    }

    [Fact]
    public async Task RequestAsync_SettingsChangeBetweenCalls_NextCallUsesTheNewOrder()
    {
        var desk = new FakeChannel("desk");
        var command = new FakeChannel("command");
        command.Answer.SetResult(ApprovalOutcome.Approve("by command"));
        var settings = new ApprovalSettings { Channels = ["desk"] };
        var approver = new ChannelApprover(
            () => settings, new Dictionary<string, IApprovalChannel> { ["desk"] = desk, ["command"] = command },
            new FakeTimeProvider(), NullLogger.Instance);

        settings = new ApprovalSettings { Channels = ["command"] };
        var outcome = await approver.RequestAsync(Request(), Ct);

        Assert.Equal("by command", outcome.Reason);
        Assert.False(desk.Asked.Task.IsCompleted);
    }
}
