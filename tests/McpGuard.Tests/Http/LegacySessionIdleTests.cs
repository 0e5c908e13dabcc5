using McpGuard.Http;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Http;

/// <summary>
/// docs/serve.md: <c>sessions.idle</c> counts only while the session has nothing open; a call waiting for its
/// answer or a connected <c>GET</c> stream keeps it (the end-to-end test, ServeSessionIdleTests, runs the call).
/// </summary>
public sealed class LegacySessionIdleTests
{
    [Fact]
    public void OpenRequest_KeepsTheSessionBusy_IdleCountsFromItsEnd()
    {
        var clock = new FakeTimeProvider();
        var session = new LegacySession("id", "agent", relay: null!, clock);

        session.RequestOpened();
        clock.Advance(TimeSpan.FromHours(3));
        var whileOpen = session.Idle;
        session.RequestClosed();
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.Zero, whileOpen);
        Assert.Equal(TimeSpan.FromSeconds(5), session.Idle);
    }

    [Fact]
    public void TwoOpen_OneClosed_StillBusy()
    {
        var clock = new FakeTimeProvider();
        var session = new LegacySession("id", "agent", relay: null!, clock);

        session.RequestOpened();
        session.RequestOpened();
        session.RequestClosed();
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.Zero, session.Idle);
    }
}
