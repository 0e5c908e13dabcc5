using McpGuard.Policy.Compile;
using McpGuard.Policy.Results;

namespace McpGuard.Tests.Policy.Results;

/// <summary>What <c>results:</c> may say, as a spec: every rejection names the line and the YAML path.</summary>
public sealed class ResultRulesValidatorTests
{
    private const string Head = "version: 1\ndefault: deny\n";

    [Fact]
    public void Accepts_GlobalAndEntryRules_EntryAddsToGlobal()
    {
        var policy = PolicyTestData.Load(Head + """
            results:
              redact: [secrets, { name: account-uid, regex: "\\bUID[0-9]{6,12}\\b" }]
              block: [private-keys]
              max_bytes: 1MB
            tools:
              get_account_info:
                action: allow
                results: { block: [secrets], max_bytes: 4096 }
              get_tickers: allow
            """);

        var own = policy.ResultRulesFor("get_account_info");
        Assert.Equal(["secrets", "account-uid"], own.Redact.Select(d => d.Name));
        Assert.Equal(["private-keys", "secrets"], own.Block.Select(d => d.Name));
        Assert.Equal(4096, own.MaxBytes);
        Assert.Same(policy.Results, policy.ResultRulesFor("get_tickers"));
        Assert.Equal(1L << 20, policy.Results.MaxBytes);
        Assert.True(ResultRules.None.IsEmpty);
    }

    [Theory]
    [InlineData("results: { redact: [secret] }", "results.redact[0]", "did you mean 'secrets'")]
    [InlineData("results: { redact: secrets }", "results.redact", "must be a list")]
    [InlineData("results: { block: [emails, emails] }", "results.block[1]", "listed twice")]
    [InlineData("results: { max_bytes: 0 }", "results.max_bytes", "above zero")]
    [InlineData("results: { max_bytes: 1TB }", "results.max_bytes", "above zero")]
    [InlineData("results: { redakt: [secrets] }", "results.redakt", "did you mean 'redact'")]
    [InlineData("results: { redact: [{ name: secrets, regex: x }] }", "results.redact[0].name", "built-in")]
    [InlineData("results: { redact: [{ name: My_Name, regex: x }] }", "results.redact[0].name", "lower-case")]
    [InlineData("results: { redact: [{ name: uid }] }", "results.redact[0].regex", "is required")]
    [InlineData(
        "results: { redact: [{ name: uid, regex: \"(a\" }] }", "results.redact[0].regex",
        "not a valid regular expression")]
    [InlineData("results: [secrets]", "results", "must be a mapping")]
    public void Rejects_BadResultsSection_WithPathAndLine(string section, string path, string message)
    {
        var errors = PolicyLoader.LoadText(Head + section + "\n", "p.yaml").Errors;

        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(3, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"(\w+)\s\1")]
    [InlineData(@"foo(?=bar)")]
    [InlineData(@"(?<!x)y")]
    [InlineData(@"(?>ab|a)c")]
    public void Rejects_UserRegexThatNeedsBacktracking_AtLoad(string pattern)
    {
        var yaml = Head
            + "tools:\n  t:\n    action: allow\n    results:\n      redact:\n        - name: mine\n          regex: '"
            + pattern + "'\n";

        var error = Assert.Single(PolicyLoader.LoadText(yaml, "p.yaml").Errors);

        Assert.Equal("tools.t.results.redact[0].regex", error.Path);
        Assert.Equal(9, error.Line);
        Assert.Contains("linear time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_EntryWithOnlyResults_AsNotSayingWhatToDo()
    {
        var error = Assert.Single(
            PolicyLoader.LoadText(Head + "tools:\n  t:\n    results: { redact: [emails] }\n", "p.yaml").Errors);

        Assert.Equal("tools.t", error.Path);
        Assert.Contains("results alone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserRegex_RunsNonBacktracking()
    {
        var policy = PolicyTestData.Load(Head + "results: { redact: [{ name: uid, regex: 'UID[0-9]+' }] }\n");

        var detector = Assert.IsType<RegexDetector>(Assert.Single(policy.Results.Redact));
        Assert.True(detector.Regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
    }
}
