using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

/// <summary>
/// The tool's <c>name</c>, its <c>arguments</c> and <c>_meta</c> are found by their raw bytes, escaped spellings the
/// careful way, and a member whose name only looks like one of them is none.
/// </summary>
public sealed class TraceMembersTests
{
    [Theory]
    [InlineData("""{"name":"t","_meta":{"k":1},"arguments":{"a":2}}""")]
    [InlineData("""{"arguments":{"name":"x"},"_meta":{"k":1},"name":"t","arguments":{"a":2}}""")]
    [InlineData("""{"\u006eame":"t","\u005fmeta":{"k":1},"\u0061rguments":{"a":2}}""")]
    [InlineData("""{"na\u006de":"t","_m\u0065ta":{"k":1},"a\u0072guments":{"a":2}}""")]
    public void NameArgumentsAndMeta_Found(string json)
    {
        using var document = JsonDocument.Parse(json);

        TraceMembers.Read(document.RootElement, out var name, out var arguments, out var meta);

        Assert.Equal("t", name.GetString());
        Assert.Equal(2, arguments.GetProperty("a").GetInt32());
        Assert.Equal(1, meta.GetProperty("k").GetInt32());
    }

    [Theory]
    [InlineData("""{"Name":"t","names":"t","nam":"t","_met":{},"_metadata":{},"\u006eames":"t","argument":{}}""")]
    [InlineData("""{"Arguments":{},"arguments_":{},"\u0061rgument":{},"a\u0072guments2":{}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{}""")]
    public void LookalikesAndNonObjects_Nothing(string json)
    {
        using var document = JsonDocument.Parse(json);

        TraceMembers.Read(document.RootElement, out var name, out var arguments, out var meta);

        Assert.Equal(JsonValueKind.Undefined, name.ValueKind);
        Assert.Equal(JsonValueKind.Undefined, arguments.ValueKind);
        Assert.Equal(JsonValueKind.Undefined, meta.ValueKind);
    }
}
