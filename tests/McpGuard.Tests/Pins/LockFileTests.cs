using System.Text;
using McpGuard.Pins;
using McpGuard.Policy.Pins;
using static McpGuard.Tests.Pins.PinTestData;

namespace McpGuard.Tests.Pins;

/// <summary>
/// The lock file: what a pin covers, that a written file reads back the same, and every way a file is refused.
/// </summary>
public sealed class LockFileTests
{
    /// <summary>A well-formed hash that matches no definition.</summary>
    private const string ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000";

    [Fact]
    public void TryFingerprint_MetaOrSpellingDiffers_SameHash()
    {
        var pinned = Pin(PlaceOrder);
        var respelled = Pin(
            """{"_meta":{"y":2},"inputSchema":{"properties":{"tp":{"properties":{"price":{"type":"string"}}"""
                + ""","type":"object"},"qty":{"type":"string"},"side":{"enum":["Buy","Sell"]"""
                + ""","type":"string"}},"type":"object"},"annotations":{"destructiveHint":false}"""
                + ""","description":"Places an order.\u000aUse with care.","name":"place_order"}""");
        Assert.Equal(pinned.Sha256, respelled.Sha256);
        Assert.False(pinned.Definition.TryGetProperty("_meta", out _));
    }

    [Theory]
    [InlineData("Places an order.", "Places an order for the agent's own wallet.")]
    [InlineData("\"enum\":[\"Buy\",\"Sell\"]", "\"enum\":[\"Buy\",\"Sell\",\"Withdraw\"]")]
    [InlineData("\"price\":{\"type\":\"string\"}", "\"price\":{\"type\":\"number\"}")]
    [InlineData("\"destructiveHint\":false", "\"destructiveHint\":true")]
    [InlineData("\"qty\":{\"type\":\"string\"}", "\"qty\":{\"type\":\"string\",\"x-unit\":\"lots\"}")]
    public void TryFingerprint_DefinitionEdited_DifferentHash(string from, string to)
    {
        Assert.NotEqual(Pin(PlaceOrder).Sha256, Edited(from, to).Sha256);
    }

    [Fact]
    public void Write_ThenRead_GivesTheSamePins()
    {
        var tools = new[]
        {
            Pin(PlaceOrder),
            Pin("""{"name":"get_\u202Etime","description":"zero\u200Bwidth","inputSchema":{"type":"object"}}"""),
            Pin("""{"name":"get_kline","description":"tags\uDB40\uDC41\uDB40\uDC42 hidden","inputSchema":{}}"""),
        };
        var text = LockFileWriter.Write(tools);

        var read = LockFileReader.Parse(Encoding.UTF8.GetBytes(text), "test.lock.json");

        Assert.True(read.Succeeded, string.Join("\n", read.Errors));
        Assert.Equal(
            tools.Select(t => (t.Name, t.Sha256)).OrderBy(t => t.Name, StringComparer.Ordinal),
            read.Pins.Tools.Select(t => (t.Name, t.Sha256)).OrderBy(t => t.Name, StringComparer.Ordinal));
        Assert.Contains("\"get_\\u202etime\"", text, StringComparison.Ordinal);
        Assert.Contains("zero\\u200bwidth", text, StringComparison.Ordinal);
        // Unicode tags (U+E0041, U+E0042) are format characters too, written as their UTF-16 halves.
        Assert.Contains("tags\\udb40\\udc41\\udb40\\udc42 hidden", text, StringComparison.Ordinal);
        Assert.Equal(text, LockFileWriter.Write(read.Pins.Tools));
    }

    [Theory]
    [InlineData("""{"version":1,"tools":[]""", "$: not valid JSON")]
    [InlineData("""{"version":2,"tools":[]}""", "$.version: must be 1")]
    [InlineData("""{"version":1}""", "$.tools: must be a list")]
    [InlineData("""{"version":1,"tools":[],"extra":1}""", "$.extra: unknown key")]
    [InlineData(
        """{"version":1,"tools":[{"name":"a","sha256":"00","definition":{"name":"a"}}]}""",
        "$.tools[0].sha256: must be 64 lowercase hex digits")]
    [InlineData(
        """{"version":1,"tools":[{"name":"a","sha256":"SHA","definition":{"name":"b"}}]}""",
        "$.tools[0].sha256: must be 64")]
    [InlineData(
        $$$"""{"version":1,"tools":[{"name":"a","sha256":"{{{ZeroHash}}}","definition":{"name":"a"}}]}""",
        "$.tools[0].sha256: does not match the definition of 'a'")]
    [InlineData(
        $$$"""{"version":1,"tools":[{"name":"a","sha256":"{{{ZeroHash}}}"}]}""",
        "$.tools[0].definition: must be the tool")]
    [InlineData(
        $$$"""{"version":1,"tools":[{"name":"a","sha256":"{{{ZeroHash}}}","definition":{"name":"a","n":1e400}}]}""",
        "outside the range of a double")]
    [InlineData("""{"version":1,"tools":[],"tools":[]}""", "$: not valid JSON")]
    public void Parse_BrokenFile_RefusedWithPath(string text, string expected)
    {
        var read = LockFileReader.Parse(Encoding.UTF8.GetBytes(text), "x.lock.json");

        Assert.False(read.Succeeded);
        Assert.Contains(read.Errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NameNotTheDefinitionsOrTwice_Refused()
    {
        var tool = Pin(PlaceOrder);
        var renamed = LockFileWriter.Write([tool])
            .Replace(
                "\"name\": \"place_order\",\n      \"sha256\"", "\"name\": \"cancel_order\",\n      \"sha256\"",
                StringComparison.Ordinal);
        var twice = LockFileWriter.Write([tool])
            .Replace("\"tools\": [", "\"tools\": [" + TextOf(tool) + ",", StringComparison.Ordinal);

        Assert.Contains(
            LockFileReader.Parse(Encoding.UTF8.GetBytes(renamed), "x").Errors,
            e => e.Message.Contains("is not the name in its definition", StringComparison.Ordinal));
        Assert.Contains(
            LockFileReader.Parse(Encoding.UTF8.GetBytes(twice), "x").Errors,
            e => e.Message.Contains("is pinned twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_ByExactName_NoFolding()
    {
        var set = new PinSet("x", [Pin(PlaceOrder)]);

        Assert.Equal(PinDrift.None, set.Check(Pin(PlaceOrder)));
        Assert.Equal(PinDrift.Changed, set.Check(Edited("Use with care.", "Use freely.")));
        Assert.Equal(PinDrift.New, set.Check(Edited("\"place_order\"", "\"Place_Order\"")));
        Assert.Equal(PinDrift.New, set.Check(Edited("\"place_order\"", "\"place_order \"")));
    }

    private static string TextOf(PinnedTool tool)
    {
        var whole = LockFileWriter.Write([tool]);
        var start = whole.IndexOf("    {", StringComparison.Ordinal);
        var end = whole.LastIndexOf("    }", StringComparison.Ordinal) + 5;
        return "\n" + whole[start..end];
    }
}
