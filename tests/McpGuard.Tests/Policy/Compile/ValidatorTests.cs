using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Yaml;

namespace McpGuard.Tests.Policy.Compile;

/// <summary>What a policy file may say, as a spec: every rejection names the line and the YAML path.</summary>
public sealed class ValidatorTests
{
    private static IReadOnlyList<PolicyError> Errors(string yaml)
    {
        var result = PolicyLoader.LoadText(yaml, "p.yaml");
        Assert.False(result.Succeeded);
        Assert.Null(result.Policy);
        return result.Errors;
    }

    private static PolicyError Single(string yaml, string path) =>
        Assert.Single(Errors(yaml), e => e.Path == path);

    [Fact]
    public void Accepts_SeedPolicyInJson()
    {
        var result = PolicyLoader.LoadText(
            """{"version":"1","default":"deny","hide":["batch_cancel_order"]}""", "seed.json");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.True(result.Policy.IsHidden("batch_cancel_order"));
    }

    [Fact]
    public void Rejects_UnknownTopLevelKey_SuggestingTheCloseOneAndListingEverySection()
    {
        var error = Single("version: 1\ndefualt: deny\n", "defualt");

        Assert.Equal(2, error.Line);
        Assert.Equal(
            "unknown key 'defualt'; did you mean 'default'? (known: version, default, hide, risk, tools, limits, " +
            "approval, audit, pins, state, sampling, telemetry, results, serve)",
            error.Message);
    }

    [Fact]
    public void Rejects_FlowMappingClosedWithAParenthesis_WithAPositionInsteadOfThrowing()
    {
        const string yaml = "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
            + "      - when: { qty: { lte: 0.01 } (\n        action: allow\n";

        // YamlDotNet throws InvalidOperationException here, not YamlException (found by PropertyTests); the outer
        // brace is the one left open.
        var error = Assert.Single(Errors(yaml));

        Assert.Equal(("p.yaml", 6, 15), (error.File, error.Line, error.Column));
        Assert.Equal("this { is never closed: its } is missing", error.Message);
    }

    [Theory]
    [InlineData("version: 1\ndefault: deny\nhide: [a, b\ntools:\n  t: allow\n", 3, 7,
        "this [ is never closed: its ] is missing")]
    [InlineData("version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n      - when: { qty: { lte: 1 }\n"
        + "        action: allow\n  u: allow\n", 6, 15, "this { is never closed: its } is missing")]
    [InlineData("version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n      - when: { qty: [1, 2 }\n"
        + "        action: allow\n", 6, 22, "this [ is never closed: its ] is missing; the } at line 6, column 28 "
        + "comes first")]
    public void Rejects_UnclosedBracket_WhereItWasOpened_NotWhereYamlGaveUp(
        string yaml, int line, int column, string message)
    {
        // YamlDotNet said it at the end of the file or where it stopped looking, far from the bracket.
        var error = Assert.Single(Errors(yaml));

        Assert.Equal(("p.yaml", line, column, "$", message), (error.File, error.Line, error.Column, error.Path,
            error.Message));
    }

    [Fact]
    public void Rejects_ErrorBeforeAnUnclosedBracket_AtItsOwnPlace()
    {
        // The duplicate key on line 3 is YamlDotNet's error; the bracket opened after it is not blamed for it.
        var error = Assert.Single(Errors("version: 1\ndefault: deny\ndefault: allow\nhide: [a\n"));

        Assert.Equal(3, error.Line);
    }

    [Theory]
    [InlineData("version: 1\ndefault: deny\ndefault: allow\n", 3, 1, "default", 2)]
    [InlineData("version: 1\ndefault: deny\ntools:\n  t:\n    action: allow\n    action: deny\n", 6, 5,
        "tools.t.action", 5)]
    [InlineData("version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n      - action: allow\n"
        + "      - when: { qty: 1, side: Buy, qty: 2 }\n        action: deny\n", 7, 36,
        "tools.t.rules[1].when.qty", 7)]
    public void Rejects_DuplicateKey_NamingItsPathAndTheFirstLine(
        string yaml, int line, int column, string path, int firstLine)
    {
        var error = Assert.Single(Errors(yaml));

        Assert.Equal(("p.yaml", line, column, path), (error.File, error.Line, error.Column, error.Path));
        Assert.Equal(
            $"the key '{path.Split('.')[^1]}' is written twice (first at line {firstLine})", error.Message);
    }

    [Theory]
    [InlineData("version: 1\ndefault: deny\ntools:\n\tget_x: allow\n", 4, 1, "found invalid tab as indentation")]
    [InlineData("version: 1\ndefault: deny\ntools:\n  a: allow\n  b: *nope\n", 5, 6,
        "the alias *nope names no anchor (&nope) written before it")]
    public void Rejects_TabIndentAndUnknownAlias_AtTheirPosition_NotAtTheTopOfTheFile(
        string yaml, int line, int column, string message)
    {
        // YamlDotNet throws both without a position (1:1), which pointed at the wrong end of the file (hqa14).
        var error = Assert.Single(Errors(yaml));

        Assert.Equal(("p.yaml", line, column), (error.File, error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_QuotedNumericBound_AsTheNumber()
    {
        var policy = PolicyTestData.Load(
            "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                + "      - when: { qty: { lte: '0.01' } }\n        action: allow\n");
        var engine = new PolicyEngine(policy);

        Assert.Equal(Verdict.Allow, engine.Evaluate(PolicyTestData.Call("t", """{"qty": 0.01}""")).Verdict);
        Assert.Equal(
            Verdict.Deny, engine.Evaluate(PolicyTestData.Call("t", """{"qty": "0.0100000000000000000001"}""")).Verdict);
    }

    [Fact]
    public void Rejects_MisspelledDefault_WithASuggestionAndLine()
    {
        var errors = Errors("version: 1\ndefualt: allow\n");

        var misspelled = Assert.Single(errors, e => e.Path == "defualt");
        Assert.Equal(2, misspelled.Line);
        Assert.Contains("did you mean 'default'", misspelled.Message);
        Assert.Contains(errors, e => e.Path == "default" && e.Message.Contains("required"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Rejects_EmptyPolicy(string yaml) => Assert.Contains("empty", Assert.Single(Errors(yaml)).Message);

    [Fact]
    public void Rejects_MissingVersion() => Single("default: deny\n", "version");

    [Fact]
    public void Rejects_WrongVersion() => Single("version: 2\ndefault: deny\n", "version");

    [Fact]
    public void Rejects_UnknownRiskCatalogue() =>
        Assert.Contains(
            "bybit", Single("version: 1\ndefault: deny\nrisk: { catalogue: binance }\n", "risk.catalogue").Message);

    [Fact]
    public void Rejects_BadAction() => Assert.Equal(2, Single("version: 1\ndefault: maybe\n", "default").Line);

    [Theory]
    [InlineData("{ max: 10, window: abc }", "tools.t.rate_limit.window")]
    [InlineData("{ max: -1, window: 1m }", "tools.t.rate_limit.max")]
    [InlineData("{ max: 0, window: 1m }", "tools.t.rate_limit.max")]
    [InlineData("{ max: 10 }", "tools.t.rate_limit.window")]
    [InlineData("ten/minute", "tools.t.rate_limit")]
    [InlineData("10/fortnight", "tools.t.rate_limit")]
    [InlineData("{ max: 10, window: 1m, burst: 2 }", "tools.t.rate_limit.burst")]
    public void Rejects_BadRateLimit(string rate, string path) =>
        Assert.Equal(
            5,
            Single($"version: 1\ndefault: deny\ntools:\n  t:\n    rate_limit: {rate}\n    action: allow\n", path).Line);

    // A max past int's range said only "must be a whole number above 0", as if 99999999999 were not one.
    [Theory]
    [InlineData("{ max: 99999999999, window: 1m }", "tools.t.rate_limit.max")]
    [InlineData("99999999999/minute", "tools.t.rate_limit")]
    public void Rejects_RateLimitMaxPastItsRange_SayingTheRange(string rate, string path)
    {
        var error = Single(
            $"version: 1\ndefault: deny\ntools:\n  t:\n    rate_limit: {rate}\n    action: allow\n", path);

        Assert.Equal(5, error.Line);
        Assert.Contains("from 1 to 2147483647", error.Message, StringComparison.Ordinal);
    }

    // A tag the loader does not know (`!foo`) was dropped in silence: the value was read as if untagged.
    [Theory]
    [InlineData("version: 1\ndefault: !foo deny\n", 2, 10, "!foo")]
    [InlineData("version: 1\ndefault: deny\ntools: !custom\n  t: allow\n", 3, 8, "!custom")]
    public void Rejects_UnknownYamlTag_AtItsPosition(string yaml, int line, int column, string tag)
    {
        var error = Assert.Single(Errors(yaml));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(tag, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_StandardYamlTags() =>
        Assert.True(PolicyLoader.LoadText("version: !!int 1\ndefault: !!str deny\n", "p.yaml").Succeeded);

    [Theory]
    [InlineData("10/minute")]
    [InlineData("10/m")]
    [InlineData("{ max: 10, window: 60s }")]
    [InlineData("{ max: 1, window: 24h }")]
    public void Accepts_RateLimitForms(string rate) =>
        Assert.True(
            PolicyLoader.LoadText(
                $"version: 1\ndefault: deny\ntools:\n  t:\n    rate_limit: {rate}\n    action: allow\n",
                "p").Succeeded);

    [Fact]
    public void Rejects_EntryWithOnlyALimit() =>
        Assert.Contains(
            "needs an action or rules",
            Single("version: 1\ndefault: deny\ntools:\n  t:\n    rate_limit: 10/minute\n", "tools.t").Message);

    [Fact]
    public void Rejects_RegexThatDoesNotCompile() =>
        Single(
            "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                + "      - when: { s: { regex: '[' } }\n        action: allow\n",
            "tools.t.rules[0].when.s.regex");

    [Fact]
    public void Rejects_NumericOperatorWithoutANumber() =>
        Single(
            "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                + "      - when: { q: { lte: 1e3 } }\n        action: allow\n",
            "tools.t.rules[0].when.q.lte");

    [Fact]
    public void Rejects_EquallySpecificOverlappingGlobs() =>
        Assert.Contains(
            "as specific as",
            Single("version: 1\ndefault: deny\ntools:\n  'get_*': allow\n  '*_inf': deny\n", "tools.*_inf").Message);

    [Fact]
    public void Accepts_EquallySpecificGlobsThatCannotOverlap() =>
        Assert.True(
            PolicyLoader.LoadText(
                "version: 1\ndefault: deny\ntools:\n  'get_*': allow\n  'set_*': deny\n", "p").Succeeded);

    [Fact]
    public void Rejects_UnknownOperatorAndUnknownRuleKey()
    {
        var errors = Errors(
            "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                + "      - when: { q: { lessthan: 3 } }\n        actoin: allow\n");

        Assert.Contains(errors, e => e.Path == "tools.t.rules[0].when.q.lessthan");
        Assert.Contains(
            errors, e => e.Path == "tools.t.rules[0].actoin" && e.Message.Contains("did you mean 'action'"));
    }

    [Fact]
    public void Rejects_BadApprovalAndAudit()
    {
        var errors = Errors(
            "version: 1\ndefault: deny\napproval:\n  timeout: soon\n"
                + "  channels: [pigeon, command]\naudit:\n  arguments: some\n");

        Assert.Contains(errors, e => e.Path == "approval.timeout");
        Assert.Contains(errors, e => e.Path == "approval.channels" && e.Message.Contains("pigeon"));
        Assert.Contains(errors, e => e.Path == "approval.command");
        Assert.Contains(errors, e => e.Path == "audit.arguments");
    }

    [Theory]
    [InlineData("500ms")]
    [InlineData("0s")]
    [InlineData("often")]
    public void Rejects_ApprovalProgressUnderASecondOrNotADuration(string progress) =>
        Assert.Contains(
            Errors($"version: 1\ndefault: deny\napproval:\n  progress: {progress}\n"),
            e => e.Path == "approval.progress" && e.Message.Contains("at least 1s", StringComparison.Ordinal));

    // A timer cannot wait past about 49 days: a policy saying 60d loaded, and every call needing approval then went
    // unanswered (the approval's CancellationTokenSource threw). A day is already past every client's patience.
    [Theory]
    [InlineData("timeout", "60d")]
    [InlineData("timeout", "25h")]
    [InlineData("progress", "60d")]
    public void Rejects_ApprovalTimeoutOrProgressOverADay(string key, string value) =>
        Assert.Contains(
            Errors($"version: 1\ndefault: deny\napproval:\n  {key}: {value}\n"),
            e => e.Path == $"approval.{key}" && e.Message.Contains("at most 24h", StringComparison.Ordinal));

    // 100000000d is past TimeSpan's range: Duration threw OverflowException, and `check` printed a stack trace.
    [Theory]
    [InlineData("approval:\n  timeout: 100000000d\n", "approval.timeout")]
    [InlineData("tools:\n  t:\n    action: allow\n    rate_limit: { max: 1, window: 100000000d }\n",
        "tools.t.rate_limit.window")]
    [InlineData("serve:\n  sessions: { idle: 100000000d }\n", "serve.sessions.idle")]
    public void Rejects_DurationPastTimeSpansRange_AsAnError(string section, string path) =>
        Assert.Contains(Errors($"version: 1\ndefault: deny\n{section}"), e => e.Path == path);

    [Fact]
    public void Accepts_ApprovalTimeoutOfADay() =>
        Assert.Equal(
            TimeSpan.FromDays(1),
            PolicyTestData.Load("version: 1\ndefault: deny\napproval:\n  timeout: 24h\n").Approval.Timeout);

    // `in: []` was reported twice, the second time wrongly: "must be a list of values".
    [Theory]
    [InlineData("in: []", "an empty list matches nothing")]
    [InlineData("not_in: []", "an empty list matches nothing")]
    [InlineData("in: [[a]]", "list items must be single values")]
    [InlineData("in: a", "must be a list of values")]
    public void Rejects_BadListOperand_WithOneErrorSayingWhy(string matcher, string message)
    {
        var error = Assert.Single(Errors(
            $"version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n      - when: {{ q: {{ {matcher} }} }}\n"
                + "        action: allow\n"));

        var operatorName = matcher[..matcher.IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal($"tools.t.rules[0].when.q.{operatorName}", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ gte: 5, lte: 1 }", "no number is gte 5 and lte 1")]
    [InlineData("{ gt: 1, lt: 1 }", "no number is gt 1 and lt 1")]
    [InlineData("{ gte: 1, lt: 1 }", "no number is gte 1 and lt 1")]
    [InlineData("{ gte: 0, gt: 2, lte: 9, lt: 2.0 }", "no number is gt 2 and lt 2.0")]
    [InlineData("{ eq: 3, ne: 3.0 }", "no value meets eq 3 and ne 3.0")]
    [InlineData("{ eq: BTC, not_in: [ETH, BTC] }", "no value meets eq BTC and not_in [ETH, BTC]")]
    [InlineData("{ in: [1, 2], gt: 5 }", "no value meets in [1, 2] and gt 5")]
    [InlineData("{ eq: BTC, lte: 5 }", "no value meets eq BTC and lte 5")]
    [InlineData("{ in: [a, b], not_in: [b, a] }", "no value meets in [a, b] and not_in [b, a]")]
    [InlineData("{ eq: 3, in: [1, 2] }", "eq 3 is not one of in [1, 2]")]
    public void Rejects_ConditionNoValueCanMeet(string matcher, string why)
    {
        var error = Assert.Single(Errors(
            $"version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n      - when: {{ q: {matcher} }}\n"
                + "        action: allow\n"));

        Assert.Equal(("tools.t.rules[0].when.q", 6, 20), (error.Path, error.Line, error.Column));
        Assert.Equal($"{why}: this condition can never hold, so its rule never applies", error.Message);
    }

    [Theory]
    [InlineData("{ gte: 1, lte: 1 }")]
    [InlineData("{ gt: 0, lte: 0.01 }")]
    [InlineData("{ eq: 1, ne: 2 }")]
    [InlineData("{ eq: '0.5', lte: 1 }")] // the string "0.5" compares as a number
    [InlineData("{ in: [1, 7], gt: 5 }")]
    [InlineData("{ exists: false, gte: 5, lte: 1 }")] // holds when the argument is missing
    [InlineData("{ eq: 1, in: ['1', 2] }")]
    public void Accepts_ConditionSomeValueCanMeet(string matcher)
    {
        var loaded = PolicyLoader.LoadText(
            $"version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n      - when: {{ q: {matcher} }}\n"
                + "        action: allow\n",
            "p.yaml");

        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
    }

    [Fact]
    public void Accepts_ApprovalProgress()
    {
        var loaded = PolicyLoader.LoadText("version: 1\ndefault: deny\napproval:\n  progress: 15s\n", "p.yaml");

        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.Equal(TimeSpan.FromSeconds(15), loaded.Policy.Approval.Progress);
    }

    [Fact]
    public void Reports_EveryErrorNotOnlyTheFirst() =>
        Assert.True(Errors("version: 1\ndefualt: allow\nhide: nope\ntools:\n  a: maybe\n  b: {}\n").Count >= 4);

    [Fact]
    public void Accepts_EveryShippedPolicy()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "McpGuard.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var files = Directory.GetFiles(Path.Combine(root, "samples"), "*.yaml", SearchOption.AllDirectories)
            .Concat(
                Directory.Exists(Path.Combine(root, "docs"))
                    ? Directory.GetFiles(Path.Combine(root, "docs"), "*.yaml", SearchOption.AllDirectories)
                    : [])
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/"))
            .Where(
                f =>
                    !f.EndsWith(
                        ".cases.yaml",
                        StringComparison.Ordinal)) // cases files (docs/testing.md), tested in CaseRunnerTests
            .ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file =>
        {
            var result = PolicyLoader.LoadFile(file);
            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        });
    }
}
