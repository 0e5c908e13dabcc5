using System.Text.Json;
using McpGuard.Policy.Proving;
using static McpGuard.Tests.Policy.Proving.ProvingTestData;

namespace McpGuard.Tests.Policy.Proving;

public sealed class CasesLoaderTests
{
    [Theory]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    expect: allow\n    colour: red\n", 5, "cases[0].colour",
        "unknown key 'colour'")]
    [InlineData("cases:\n  - name: a\n    call: t\n", 2, "cases[0].expect", "is required")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    expect: allowed\n", 4, "cases[0].expect",
        "must be one of allow, deny, require_approval, hidden")]
    [InlineData("cases:\n  - call: t\n    expect: allow\n", 2, "cases[0].name", "is required")]
    [InlineData("cases:\n  - name: a\n    expect: allow\n", 2, "cases[0].call", "is required")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    expect: allow\n    reason: why\n", 5, "cases[0].reason",
        "only a deny or a require_approval")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    args: [1, 2]\n    expect: allow\n", 4, "cases[0].args",
        "must be a mapping")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    repeat: 3\n    expect: allow\n", 4, "cases[0].repeat",
        "unknown key 'repeat'")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    expect: allow\n    steps:\n      - { call: t, expect: allow }\n", 3,
        "cases[0].call", "either `steps` or one call")]
    [InlineData(
        "cases:\n  - name: a\n    steps:\n      - { call: t, expect: allow }\n      - { wait: soon }\n", 5,
        "cases[0].steps[1].wait", "must be a duration")]
    [InlineData(
        "cases:\n  - name: a\n    steps:\n      - { call: t, expect: allow, repeat: 0 }\n", 4,
        "cases[0].steps[0].repeat", "from 1 to 100000")]
    [InlineData(
        "cases:\n  - name: a\n    steps:\n      - { wait: 1s, call: t }\n", 4, "cases[0].steps[0].call",
        "unknown key 'call'")]
    [InlineData("cases:\n  - name: a\n    steps:\n      - { wait: 1s }\n", 4, "cases[0].steps", "has no call")]
    [InlineData("cases:\n  - name: a\n    steps: []\n", 3, "cases[0].steps", "non-empty list")]
    [InlineData(
        "cases:\n  - { name: a, call: t, expect: allow }\n  - { name: a, call: u, expect: deny }\n", 3, "cases[1].name",
        "an earlier case")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    args: { qty: !!float 1 }\n    expect: allow\n", 4, "cases[0].args.qty",
        "has the tag")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    approve: yes\n    expect: allow\n", 4, "cases[0].approve",
        "must be true")]
    [InlineData("tests:\n  - name: a\n", 1, "tests", "unknown key 'tests'")]
    [InlineData(
        "cases:\n  - name: a\n    call: t\n    expcet: allow\n", 4, "cases[0].expcet", "did you mean 'expect'?")]
    [InlineData(
        "cases:\n  - name: a\n    steps:\n      - { call: t, expect: allow, repaet: 2 }\n", 4,
        "cases[0].steps[0].repaet", "did you mean 'repeat'?")]
    [InlineData("cases: []\n", 1, "cases", "non-empty list")]
    [InlineData("cases:\n  - name: a\n    call: [t\n", 3, "$", "this [ is never closed: its ] is missing")]
    [InlineData("", 1, "$", "the cases file is empty")]
    public void Rejects_InvalidCasesFile_WithLineAndPath(string yaml, int line, string path, string message)
    {
        var errors = Errors(yaml);

        Assert.Contains(
            errors,
            e => e.Line == line && e.Path == path && e.Message.Contains(message, StringComparison.Ordinal)
                && e.File == "cases.yaml");
    }

    [Fact]
    public void Rejects_EveryProblem_NotOnlyTheFirst()
    {
        var errors = Errors(
            "cases:\n  - name: a\n    call: t\n    expect: maybe\n"
                + "  - name: b\n    call: t\n    expect: allow\n    colour: red\n");

        Assert.Equal([4, 8], errors.Select(e => e.Line));
    }

    [Fact]
    public void Load_Args_TypesPlainScalarsAsJsonWould()
    {
        var step = (CallStep)Assert.Single(Assert.Single(Cases("""
            cases:
              - name: a
                call: t
                args: { n: 0.010, q: "0.010", s: BTCUSDT, b: true, z: ~, e: 1e3,
                        plus: +1, lead: 007, list: [1, x], o: { k: v } }
                expect: allow
            """)).Steps);

        Assert.Equal(
            """{"n":0.010,"q":"0.010","s":"BTCUSDT","b":true,"z":null,"e":1e3,"plus":"\u002B1","lead":"007","list":"""
                + """[1,"x"],"o":{"k":"v"}}""",
            JsonSerializerText(step.Arguments));
    }

    [Fact]
    public void Load_NoArgs_CallsWithoutArguments()
    {
        var step = (CallStep)Assert.Single(
            Assert.Single(Cases("cases:\n  - { name: a, call: t, expect: deny }\n")).Steps);

        Assert.Equal(JsonValueKind.Undefined, step.Arguments.ValueKind);
    }

    [Fact]
    public void Load_AliasBomb_IsRefusedNotExpanded()
    {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 1; i < 9; i++)
        {
            yaml += $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}"
                + $", *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n";
        }

        var errors = Errors(
            "cases:\n  - name: a\n    call: t\n    args: { big: *a8 }\n    expect: allow\n"
                + yaml.Replace("a0:", "x0:", StringComparison.Ordinal));

        Assert.NotEmpty(errors);
    }

    private static string JsonSerializerText(JsonElement element) => element.GetRawText();
}
