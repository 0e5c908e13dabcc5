using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

/// <summary>
/// The tool's <c>name</c> and <c>_meta</c> are found by their raw bytes, escaped spellings the careful way, and a
/// member whose name only looks like one of them is neither.
/// </summary>
public sealed class TraceMembersTests
{
    [Theory]
    [InlineData("""{"name":"t","_meta":{"k":1}}""")]
    [InlineData("""{"arguments":{"name":"x"},"_meta":{"k":1},"name":"t"}""")]
    [InlineData("""{"\u006eame":"t","\u005fmeta":{"k":1}}""")]
    [InlineData("""{"na\u006de":"t","_m\u0065ta":{"k":1}}""")]
    public void NameAndMeta_Found(string json)
    {
        using var document = JsonDocument.Parse(json);

        TraceMembers.Read(document.RootElement, out var name, out var meta);

        Assert.Equal("t", name.GetString());
        Assert.Equal(1, meta.GetProperty("k").GetInt32());
    }

    [Theory]
    [InlineData("""{"Name":"t","names":"t","nam":"t","_met":{},"_metadata":{},"\u006eames":"t"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{}""")]
    public void LookalikesAndNonObjects_Nothing(string json)
    {
        using var document = JsonDocument.Parse(json);

        TraceMembers.Read(document.RootElement, out var name, out var meta);

        Assert.Equal(JsonValueKind.Undefined, name.ValueKind);
        Assert.Equal(JsonValueKind.Undefined, meta.ValueKind);
    }
}
