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

    private static void Write(FirstRequestShield shield, string lines) =>
        shield.OnWritten(Encoding.UTF8.GetBytes(lines));

    [Fact]
    public void TakeAnswers_ModernRequestsBeforeAnySession_AnswersEachMethodNotFoundOnce()
    {
        var shield = new FirstRequestShield();
        var bytes = Encoding.UTF8.GetBytes(
            Discover + "\n"
                + Discover.Replace("probe-1", "7", StringComparison.Ordinal)
                    .Replace("\"7\"", "7", StringComparison.Ordinal)
                + "\n");

        shield.OnWritten(bytes.AsSpan(0, 10)); // a line may arrive in pieces
        shield.OnWritten(bytes.AsSpan(10));

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
    public void TakeAnswers_AfterA2025Message_DoesNotApply(string line)
    {
        var shield = new FirstRequestShield();

        Write(shield, Discover + "\n" + line + "\n");

        Assert.False(shield.IsArmed);
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

        Write(
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
