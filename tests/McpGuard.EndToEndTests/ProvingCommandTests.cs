using System.Xml.Linq;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// docs/testing.md, through the built tool: <c>test --coverage</c> names what no case reaches, <c>--junit</c> writes a
/// report CI can read, and <c>replay</c> aimed at a file with nothing to replay fails instead of passing a CI gate.
/// </summary>
public sealed class ProvingCommandTests
{
    [Fact]
    public async Task Test_CoverageOfTheBybitSampleWithOneCase_NamesAnUncoveredEntry()
    {
        var cases = TempFiles.Write("one.cases.yaml", """
            cases:
              - name: small spot orders go through
                call: place_order
                args: { category: spot, symbol: BTCUSDT, side: Buy, orderType: Market, qty: "0.01" }
                expect: allow
            """);
        var junit = TempFiles.NewPath("junit.xml");
        try
        {
            var (code, output, error) = await GuardCommand.RunAsync(
                "test", "--policy", RepoPaths.BybitPolicy, cases, "--coverage", "--junit", junit);

            Assert.True(code == 0, output + error);
            Assert.Contains("1 passed, 0 failed", output);
            Assert.Contains("  tools.set_leverage: no case calls a tool of this entry", output);
            Assert.Contains("  tools.place_order.rules[1]: no case is decided by this rule", output);
            Assert.DoesNotContain("  tools.place_order.rules[0]", output);
            var testcase = Assert.Single(XDocument.Load(junit).Descendants("testcase"));
            Assert.Equal("small spot orders go through", (string?)testcase.Attribute("name"));
        }
        finally
        {
            File.Delete(cases);
            File.Delete(junit);
        }
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(
        "version: 1\ndefault: deny\n", "is not an audit log: none of its 2 lines is an audit record (docs/audit.md)")]
    public async Task Replay_FileWithNoRecordedCalls_FailsEvenWithFailOnChange(string content, string why)
    {
        var log = TempFiles.Write("audit.jsonl", content);
        try
        {
            var (code, output, error) = await GuardCommand.RunAsync(
                "replay", "--policy", RepoPaths.BybitPolicy, log, "--fail-on-change");

            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.Equal($"mcpguard: {log} {why}; nothing was replayed.", error.TrimEnd());
        }
        finally
        {
            File.Delete(log);
        }
    }
}
