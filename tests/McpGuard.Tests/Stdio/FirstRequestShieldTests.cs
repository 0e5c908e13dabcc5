using System.Text;
using McpGuard.Stdio;

namespace McpGuard.Tests.Stdio;

/// <summary>When the guard may answer for a child that died before any session existed, and with what.</summary>
public sealed class FirstRequestShieldTests
{
    private const string Discover =
        """{"jsonrpc":"2.0","id":"probe-1","method":"server/discover","params":"""
            + """{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""";

    private const string Initialize =
        """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
            + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""";

    private const string Cancel = """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}""";

    /// <summary>What the shield lets the child be sent now of <paramref name="lines"/>.</summary>
    private static string Write(FirstRequestShield shield, string lines) =>
        Encoding.UTF8.GetString(shield.Admit(Encoding.UTF8.GetBytes(lines)).Span);

    [Fact]
    public void TakeAnswers_ModernRequestsBeforeAnySession_AnswersEachMethodNotFoundOnce()
    {
        var shield = new FirstRequestShield();
        var bytes = Encoding.UTF8.GetBytes(
            Discover + "\n"
                + Discover.Replace("probe-1", "7", StringComparison.Ordinal)
                    .Replace("\"7\"", "7", StringComparison.Ordinal)
                + "\n");

        var passed = shield.Admit(bytes.AsSpan(0, 10)).ToArray() // a line may arrive in pieces
            .Concat(shield.Admit(bytes.AsSpan(10)).ToArray());

        Assert.Equal(bytes, passed);
        Assert.True(shield.ModernRequestSent.IsCompleted);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":"probe-1","error":{"code":-32601,"message":"Method not found"}}""" + "\n"
            + """{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"Method not found"}}""" + "\n",
            Encoding.UTF8.GetString(shield.TakeAnswers()!));
        Assert.Null(shield.TakeAnswers());
        Assert.True(shield.Disarmed.IsCompleted);
    }

    [Theory]
    [InlineData(Initialize)] // a 2025 session is starting: the child may act on what follows
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"place_order"}}""")] // a 2025 request
    [InlineData("not json")]
    public void Admit_A2025MessageFirst_PassesItAndDisarms(string line)
    {
        var shield = new FirstRequestShield();

        var passed = Write(shield, line + "\n" + Discover + "\n");

        Assert.Equal(line + "\n" + Discover + "\n", passed);
        Assert.False(shield.IsArmed);
        Assert.False(shield.HasHeld);
        Assert.Null(shield.TakeAnswers());
    }

    /// <summary>
    /// After a modern request, a 2025 message (the C# SDK's cancel of its timed-out probe, initialize) may be meant
    /// for the child started in place of this one: it and all that follows are held, and the shield still applies.
    /// </summary>
    [Theory]
    [InlineData(Cancel)]
    [InlineData(Initialize)]
    [InlineData("not json")]
    public void Admit_A2025MessageAfterAModernRequest_HoldsItAndTheRestStillArmed(string line)
    {
        var shield = new FirstRequestShield();
        var later = Discover.Replace("probe-1", "probe-2", StringComparison.Ordinal);

        var passed = Write(shield, Discover + "\n" + line + "\n" + later + "\n" + Initialize[..10]);

        Assert.Equal(Discover + "\n", passed);
        Assert.True(shield.Holding.IsCompleted);
        Assert.True(shield.IsArmed);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":"probe-1","error":{"code":-32601,"message":"Method not found"}}""" + "\n",
            Encoding.UTF8.GetString(shield.TakeAnswers()!));
        Assert.Equal(
            line + "\n" + later + "\n" + Initialize[..10], Encoding.UTF8.GetString(shield.TakeHeld().Span));
        Assert.False(shield.HasHeld);
    }

    [Fact]
    public void TakeHeld_ChildSpokeAfterTheHold_TheHeldLinesInOrderAndLaterWritesPass()
    {
        var shield = new FirstRequestShield();
        Write(shield, Discover + "\n" + Cancel + "\n");
        Write(shield, Initialize + "\n");

        shield.OnChildSpoke();

        Assert.Equal(Cancel + "\n" + Initialize + "\n", Encoding.UTF8.GetString(shield.TakeHeld().Span));
        Assert.Equal("x\n", Write(shield, "x\n"));
        Assert.Null(shield.TakeAnswers());
    }

    [Fact]
    public void TakeAnswers_ChildHasSpoken_DoesNotApply()
    {
        var shield = new FirstRequestShield();
        Write(shield, Discover + "\n");

        shield.OnChildSpoke();

        Assert.Null(shield.TakeAnswers());
    }

    [Fact]
    public void TakeAnswers_OnlyNotificationsAndEmptyLines_DoesNotApply()
    {
        var shield = new FirstRequestShield();

        _ = Write(
            shield,
            "\n"
                + """{"jsonrpc":"2.0","method":"notifications/cancelled","params":"""
                + """{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"""
                + "\n");

        Assert.True(shield.IsArmed);
        Assert.False(shield.ModernRequestSent.IsCompleted);
        Assert.Null(shield.TakeAnswers());
    }
}
