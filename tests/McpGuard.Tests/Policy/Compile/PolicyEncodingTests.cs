using System.Text;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Proving;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Policy.Compile;

/// <summary>
/// A policy file that is not UTF-8 is an error at the first bad byte. Before, its bytes became U+FFFD and the policy
/// loaded as valid: a tool name in <c>hide:</c> saved in Latin-1 then hid nothing.
/// </summary>
public sealed class PolicyEncodingTests
{
    [Fact]
    public void LoadFile_Latin1ToolNameInHide_IsAnErrorAtItsLineAndColumn()
    {
        using var temp = new TempDirectory();
        var file = temp.File("policy.yaml");
        File.WriteAllBytes(file, [.. "version: 1\ndefault: allow\nhide: [caf"u8, 0xE9, .. "_order]\n"u8]);

        var result = PolicyLoader.LoadFile(file);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal((file, 3, 11), (error.File, error.Line, error.Column));
        Assert.Equal(
            "the policy file is not UTF-8 text: byte 0xE9 here cannot be read (save the file as UTF-8)", error.Message);
    }

    [Fact]
    public void LoadFile_CasesFileNotUtf8_IsAnErrorNamingTheCasesFile()
    {
        using var temp = new TempDirectory();
        var file = temp.File("policy.cases.yaml");
        File.WriteAllBytes(file, [0xFF, .. "cases: []\n"u8]);

        var error = Assert.Single(CasesLoader.LoadFile(file).Errors);

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.StartsWith("the cases file is not UTF-8 text: byte 0xFF", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-8 with BOM")]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public void LoadFile_UnicodeWithByteOrderMark_Loads(string encoding)
    {
        using var temp = new TempDirectory();
        var file = temp.File("policy.yaml");
        var text = "version: 1\ndefault: allow\nhide: [café_order]\n";
        var chosen = encoding == "utf-8 with BOM" ? new UTF8Encoding(true) : Encoding.GetEncoding(encoding);
        File.WriteAllBytes(file, [.. chosen.GetPreamble(), .. chosen.GetBytes(text)]);

        var result = PolicyLoader.LoadFile(file);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Contains(result.Policy!.Hide, glob => glob.Pattern == "café_order");
    }
}
