using System.Text;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

public sealed class ApprovalStateTokenTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ApprovalClaims s_claims = new(
        "place_order", ApprovalStateToken.HashArguments(Args("""{"qty":"0.6"}""")), s_now.AddMinutes(2), "call-1");

    [Fact]
    public void Read_MintedState_ValidWithTheSameClaims()
    {
        var token = ApprovalStateToken.CreateForProcess();

        var reading = token.Read(token.Mint(s_claims), s_now);

        var valid = Assert.IsType<ApprovalStateReading.Valid>(reading);
        Assert.Equal(s_claims, valid.Claims);
    }

    [Fact]
    public void Read_MintedStateOfAnAgent_NamesTheAgent()
    {
        var token = ApprovalStateToken.CreateForProcess();

        var reading = token.Read(token.Mint(s_claims with { Agent = "alice" }), s_now);

        Assert.Equal("alice", Assert.IsType<ApprovalStateReading.Valid>(reading).Claims.Agent);
    }

    [Fact]
    public void Read_AfterDeadline_Expired()
    {
        var token = ApprovalStateToken.CreateForProcess();

        Assert.IsType<ApprovalStateReading.Expired>(
            token.Read(token.Mint(s_claims), s_now.AddMinutes(2).AddMilliseconds(1)));
    }

    [Fact]
    public void Read_StateOfAnotherGuard_Forged()
    {
        var state = ApprovalStateToken.CreateForProcess().Mint(s_claims);

        Assert.IsType<ApprovalStateReading.Forged>(ApprovalStateToken.CreateForProcess().Read(state, s_now));
    }

    [Fact]
    public void Read_PayloadSwappedForAnotherTool_Forged()
    {
        var token = ApprovalStateToken.CreateForProcess();
        var state = token.Mint(s_claims);
        var other = token.Mint(s_claims with { ToolName = "get_ticker" });

        // Another genuine payload under this state's MAC: the MAC no longer holds.
        var spliced = other[..other.LastIndexOf('.')] + state[state.LastIndexOf('.')..];

        Assert.IsType<ApprovalStateReading.Forged>(token.Read(spliced, s_now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("mcpguard.v1.")]
    [InlineData("mcpguard.v1.abc")]
    [InlineData("mcpguard.v1.abc.def.ghi")]
    [InlineData("mcpguard.v1.e30.!!!")]
    [InlineData("server-state")]
    public void Read_Garbage_ForgedWithoutThrowing(string state)
    {
        Assert.IsType<ApprovalStateReading.Forged>(ApprovalStateToken.CreateForProcess().Read(state, s_now));
    }

    [Fact]
    public void Read_DeadlineEditedInPayload_Forged()
    {
        var token = ApprovalStateToken.CreateForProcess();
        var state = token.Mint(s_claims);
        var payload = state[ApprovalStateToken.Prefix.Length..state.LastIndexOf('.')];
        var json = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
        var later = json.Replace(
            s_claims.Deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "99999999999999", StringComparison.Ordinal);
        var edited = ApprovalStateToken.Prefix
            + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(later))
            + state[state.LastIndexOf('.')..];

        Assert.IsType<ApprovalStateReading.Forged>(token.Read(edited, s_now.AddHours(1)));
    }

    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", """{ "b" : "x", "a" : 1 }""", true)]
    [InlineData("""{"a":{"y":[1,2],"x":null}}""", """{"a":{"x":null,"y":[1,2]}}""", true)]
    [InlineData("""{"qty":"0.6"}""", """{"qty":"0.7"}""", false)]
    [InlineData("""{"qty":0.6}""", """{"qty":"0.6"}""", false)]
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""", false)]
    [InlineData("""{"a":1}""", """{"a":1,"b":2}""", false)]
    public void HashArguments_CanonicalForm_KeyOrderAndSpacingDoNotCount(string left, string right, bool same)
    {
        Assert.Equal(
            same, ApprovalStateToken.HashArguments(Args(left)) == ApprovalStateToken.HashArguments(Args(right)));
    }

    [Fact]
    public void HashArguments_AbsentAndEmpty_Same()
    {
        Assert.Equal(ApprovalStateToken.HashArguments(default), ApprovalStateToken.HashArguments(Args("{}")));
    }

    private static JsonElement Args(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
