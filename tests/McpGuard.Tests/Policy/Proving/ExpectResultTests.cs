using McpGuard.Policy.Compile;
using McpGuard.Policy.Proving;

namespace McpGuard.Tests.Policy.Proving;

/// <summary>
/// <c>expect_result:</c> a case proves what the result rules do with a sample answer (docs/results.md).
/// </summary>
public sealed class ExpectResultTests
{
    private const string Policy = """
        version: 1
        default: allow
        results: { redact: [secrets] }
        tools:
          get_keys:
            action: allow
            results: { block: [private-keys] }
        """;

    private static IReadOnlyList<CaseResult> Run(string cases)
    {
        var policy = PolicyLoader.LoadText(Policy, "p.yaml");
        var loaded = CasesLoader.LoadText(cases, "c.yaml");
        Assert.True(loaded.Errors.Count == 0, string.Join("\n", loaded.Errors));
        return CaseRunner.Run(policy.Policy!, loaded.Cases);
    }

    [Fact]
    public void ExpectResult_AsTheRulesDo_Passes_OtherwiseFailsSayingWhat()
    {
        var results = Run("""
            cases:
              - name: key redacted
                call: get_info
                expect: allow
                expect_result: { sample: "id AKIAIOSFODNN7EXAMPLE", redacted: [secrets] }
              - name: clean answer untouched
                call: get_info
                expect: allow
                expect_result: { sample: "BTCUSDT 65000.5", redacted: [] }
              - name: private key blocked
                steps:
                  - call: get_keys
                    expect: allow
                    expect_result:
                      sample: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"
                      blocked: private-keys
              - name: wrong expectation
                call: get_info
                expect: allow
                expect_result: { sample: "mail alice@example.com", redacted: [emails] }
            """);

        Assert.Equal([true, true, true, false], results.Select(r => r.Passed));
        var failure = results[3].Failure!;
        Assert.Equal(CaseMismatch.Result, failure.Mismatch);
        Assert.Equal("untouched", failure.ResultSeen);
        Assert.Equal("redacted by emails", failure.Step.ExpectResult!.Describe());
    }

    [Theory]
    [InlineData("expect_result: { redacted: [secrets] }", "cases[0].expect_result.sample")]
    [InlineData("expect_result: { sample: x, redacted: secrets }", "cases[0].expect_result.redacted")]
    [InlineData("expect_result: { sample: x, redacted: [], blocked: emails }", "cases[0].expect_result.blocked")]
    [InlineData("expect_result: [x]", "cases[0].expect_result")]
    public void Rejects_BadExpectResult_WithPath(string line, string path)
    {
        var loaded = CasesLoader.LoadText(
            $"cases:\n  - name: n\n    call: t\n    expect: allow\n    {line}\n", "c.yaml");

        Assert.Contains(loaded.Errors, e => e.Path == path && e.Line == 5);
    }
}
