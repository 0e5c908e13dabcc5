
using McpGuard.Session;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Session;

public sealed class InBandApprovalsTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryAnswer_AskedQuestion_OnlyOnce()
    {
        var approvals = new InBandApprovals(new FakeTimeProvider(s_now));
        var claims = new ApprovalClaims("t", "h", s_now.AddMinutes(1), "call-1");
        approvals.Asked(claims);

        Assert.True(approvals.TryAnswer(claims));
        Assert.False(approvals.TryAnswer(claims));
    }

    [Fact]
    public void TryAnswer_NeverAsked_False()
    {
        var approvals = new InBandApprovals(new FakeTimeProvider(s_now));

        Assert.False(approvals.TryAnswer(new ApprovalClaims("t", "h", s_now.AddMinutes(1), "call-1")));
    }

    [Fact]
    public void TryContinue_ServerRound_LinksOnceAndExpires()
    {
        var clock = new FakeTimeProvider(s_now);
        var approvals = new InBandApprovals(clock);
        approvals.ServerAskedFor("s1", new RoundLink("call-1", "t", "h", s_now.AddMinutes(1)));
        approvals.ServerAskedFor("s2", new RoundLink("call-2", "t", null, s_now.AddMinutes(1)));

        Assert.True(approvals.TryContinue("s1", null, out var link));
        Assert.Equal("call-1", link.CallId);
        Assert.False(approvals.TryContinue("s1", null, out _));
        clock.SetUtcNow(s_now.AddMinutes(2));
        Assert.False(approvals.TryContinue("s2", null, out _));
    }

    [Fact]
    public void TryContinue_AnotherAgentsRound_NeitherContinuedNorUsedUp()
    {
        var approvals = new InBandApprovals(new FakeTimeProvider(s_now));
        approvals.ServerAskedFor("s1", new RoundLink("call-1", "t", "h", s_now.AddMinutes(1), "alice"));

        Assert.False(approvals.TryContinue("s1", "bob", out _));
        Assert.True(approvals.TryContinue("s1", "alice", out var link));
        Assert.Equal("call-1", link.CallId);
    }

    [Fact]
    public void Asked_ManyQuestions_StaysBounded()
    {
        var approvals = new InBandApprovals(new FakeTimeProvider(s_now));
        ApprovalClaims? first = null;
        for (var i = 0; i < InBandApprovals.MaxEntries * 2; i++)
        {
            var claims = new ApprovalClaims("t", "h", s_now.AddMinutes(1).AddMilliseconds(i), $"call-{i}");
            first ??= claims;
            approvals.Asked(claims);
        }

        // The oldest questions were forgotten (asked again if answered); the newest still stand.
        Assert.False(approvals.TryAnswer(first!));
        Assert.True(
            approvals.TryAnswer(new ApprovalClaims("t", "h", s_now, $"call-{(InBandApprovals.MaxEntries * 2) - 1}")));
    }

    [Fact]
    public void Asked_OnceFull_ForgetsTheOldestQuarterAtOnce()
    {
        // One sort makes room for a quarter more questions: sorting on every question once full took 35 s for
        // Asked_ManyQuestions_StaysBounded at load (the suite's slowest test but one).
        var approvals = new InBandApprovals(new FakeTimeProvider(s_now));
        for (var i = 0; i <= InBandApprovals.MaxEntries; i++)
        {
            approvals.Asked(new ApprovalClaims("t", "h", s_now.AddMinutes(1).AddMilliseconds(i), $"call-{i}"));
        }

        var quarter = InBandApprovals.MaxEntries / 4;
        Assert.False(approvals.TryAnswer(new ApprovalClaims("t", "h", s_now, $"call-{quarter - 1}")));
        Assert.True(approvals.TryAnswer(new ApprovalClaims("t", "h", s_now, $"call-{quarter}")));
        Assert.True(approvals.TryAnswer(new ApprovalClaims("t", "h", s_now, $"call-{InBandApprovals.MaxEntries}")));
    }
}
