using System.Buffers;
using System.Text;
using McpGuard.Pins;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Pins;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Pins.PinTestData;

namespace McpGuard.Tests.Pins;

/// <summary>
/// The pin check in the tools/list rewriting: which tools are cut, what the catalog learns, and ttlMs.
/// </summary>
public sealed class PinnedListingTests : IDisposable
{
    private const string Changed = """{"name":"place_order","description":"Places any order."}""";
    private const string Fresh = """{"name":"withdraw"}""";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("hide", "hide", new[] { "get_time" })]
    [InlineData("deny", "hide", new[] { "place_order", "get_time" })]
    [InlineData("hide", "allow", new[] { "get_time", "withdraw" })]
    [InlineData("require_approval", "deny", new[] { "place_order", "get_time", "withdraw" })]
    public void Rewrite_PinnedPolicy_CutsWhatOnChangeAndOnNewHide(string onChange, string onNew, string[] kept)
    {
        var policy = Policy(onChange, onNew);
        var line = Page(Changed, GetTime, Fresh);

        var rewritten = ToolListRewriter.Rewrite(
            Line(line), ToolListJudges.For(policy, null, hide: true), capTtl: true, out var page);

        Assert.Equal(kept, page!.Tools.Select(t => t.Name));
        Assert.Equal(kept, JsonNames(rewritten is null ? line : Encoding.UTF8.GetString(rewritten)));
        Assert.All(
            page.Tools,
            t => Assert.Equal(
                t.Name switch { "place_order" => PinDrift.Changed, "withdraw" => PinDrift.New, _ => PinDrift.None },
                t.Drift));
        Assert.All(page.Tools.Where(t => t.Drift == PinDrift.Changed), t => Assert.NotNull(t.Listed));
    }

    [Fact]
    public void Rewrite_PinnedAndNothingCut_OnlyTtlBecomesZero()
    {
        var line = Page(GetTime)
            .Replace(
                "\"nextCursor\"", "\"ttlMs\" : 3600000, \"cacheScope\":\"user\", \"nextCursor\"",
                StringComparison.Ordinal);

        var rewritten = ToolListRewriter.Rewrite(
            Line(line), ToolListJudges.For(Policy("hide", "hide"), null, hide: true), capTtl: true, out _);

        Assert.Equal(line.Replace("3600000", "0", StringComparison.Ordinal), Encoding.UTF8.GetString(rewritten!));
        Assert.Null(
            ToolListRewriter.Rewrite(
                Line(line), ToolListJudges.For(Policy("hide", "hide"), null, hide: true), capTtl: false, out _));
    }

    [Fact]
    public void Rewrite_UnhashableDefinition_CountsAsChanged()
    {
        var line = Page("""{"name":"place_order","x":1e400}""");

        ToolListRewriter.Rewrite(
            Line(line), ToolListJudges.For(Policy("deny", "hide"), null, hide: true), capTtl: false, out var page);

        Assert.Equal(PinDrift.Changed, Assert.Single(page!.Tools).Drift);
    }

    private const string GetTime = """{"name":"get_time","inputSchema":{"type":"object"}}""";

    private CompiledPolicy Policy(string onChange, string onNew)
    {
        File.WriteAllText(_temp.File("p.lock.json"), LockFileWriter.Write([Pin(PlaceOrder), Pin(GetTime)]));
        var result = PolicyLoader.LoadText(
            $"version: 1\ndefault: allow\npins: {{ file: p.lock.json, on_change: {onChange}, on_new: {onNew} }}\n",
            _temp.File("policy.yaml"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    private static string Page(params string[] tools) =>
        """{"jsonrpc":"2.0","id":1,"result":{"tools":[""" + string.Join(",", tools) + """],"nextCursor":"c2"}}""";

    private static string[] JsonNames(string line) =>
        [.. System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("result").GetProperty("tools")
            .EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

    private static ReadOnlySequence<byte> Line(string text) => new(Encoding.UTF8.GetBytes(text));
}
