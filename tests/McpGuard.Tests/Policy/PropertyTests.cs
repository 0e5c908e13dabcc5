using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using CsCheck;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Values;

namespace McpGuard.Tests.Policy;

/// <summary>
/// Generated policies and arguments: evaluation never throws and is deterministic, loading never throws on
/// damaged files, and the exact decimals order numbers as <see cref="decimal"/> does.
/// </summary>
public sealed class PropertyTests
{
    private static readonly string[] s_matchers =
    [
        "1", "0.01", "-2.5", "1e3", "abc", "'1'", "true", "null", "[a, 1, 0.5]", "{ lte: 0.5 }", "{ gt: -1, lt: 100 }",
        "{ ne: x }", "{ not_in: [1, b] }", "{ regex: '^a.*z$' }", "{ contains: a }", "{ exists: true }",
        "{ exists: false }",
        "{ eq: null }", "{ in: [true, false] }", "{ gte: '0.0100000000000000000001' }",
    ];

    private static readonly string[] s_paths = ["a", "b.c", "'l[*]'", "'l[*].x'", "'b.c.d'"];

    // Values chosen to sit on every edge the evaluator has: numeric strings, huge and tiny numbers,
    // other digits, wrong types, empty containers, lists of mixed objects.
    private static readonly string[] s_values =
    [
        "1", "0.5", "\"0.5\"", "\"1e3\"", "1e3", "-0", "\"\"", "\"abz\"", "true", "false", "null", "[]", "[1, \"a\"]",
        "[{\"x\": 1}, {\"x\": \"2\"}]", "{\"c\": 3}", "{}", "\"١٢\"", "1e999999", "\"0.0100000000000000000001\"",
        "99999999999999999999999999999999", "[{}]", "\" 100\"", "\"1,000\"", "\"NaN\"", "\"\\ud800\"", "\"\\u0031\"",
        "{\"\\ud800\": 1, \"c\": 2}",
    ];

    private static readonly string[] s_actions = ["allow", "deny", "require_approval"];

    private static readonly Gen<string> s_condition =
        Gen.Select(
            Gen.Int[0, s_paths.Length - 1], Gen.Int[0, s_matchers.Length - 1],
            (p, m) => $"{s_paths[p]}: {s_matchers[m]}");

    private static readonly Gen<string> s_rule =
        Gen.Select(s_condition.Array[1, 3], Gen.Int[0, s_actions.Length - 1], (conditions, action) =>
        {
            // One condition per argument: a mapping cannot hold the same key twice.
            var distinct = conditions.DistinctBy(c => c[..c.IndexOf(':', StringComparison.Ordinal)]);
            return $"      - when: {{ {string.Join(", ", distinct)} }}\n        action: {s_actions[action]}\n";
        });

    private static readonly Gen<string> s_policy =
        s_rule.Array[1, 4]
            .Select(
                rules => "version: 1\ndefault: deny\ntools:\n  t:\n    action: deny\n    rules:\n"
                    + string.Concat(rules));

    private static readonly Gen<string> s_arguments =
        Gen.Select(Gen.Int[0, s_values.Length - 1].Array[3], values =>
            $$"""{"a": {{s_values[values[0]]}}, "b": {"c": {{s_values[values[1]]}}}, "l": {{s_values[values[2]]}}}""");

    [Fact]
    public void Evaluate_GeneratedPoliciesAndArguments_NeverThrowsAndIsDeterministic()
    {
        var evaluated = 0;
        Gen.Select(s_policy, s_arguments).Sample((policyText, argumentsJson) =>
        {
            var result = PolicyLoader.LoadText(policyText, "generated.yaml");
            Assert.True(result.Succeeded, policyText + "\n" + string.Join("\n", result.Errors));
            var engine = new PolicyEngine(result.Policy);
            var request = PolicyTestData.Call("t", argumentsJson);

            var first = engine.Evaluate(request);
            var second = engine.Evaluate(request);

            Assert.Equal(first, second);
            Assert.True(
                first.Verdict == Verdict.Allow || !string.IsNullOrEmpty(first.Reason),
                $"{first.Verdict} without a reason");
            Interlocked.Increment(ref evaluated);
        }, iter: 2000);

        Assert.Equal(2000, evaluated);
    }

    [Fact]
    public void LoadText_OneCharacterChangedInTheSamplePolicy_NeverThrows()
    {
        var sample = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "samples", "bybit", "policy.yaml"));
        Gen.Select(Gen.Int[0, sample.Length - 1], Gen.Char).Sample((position, c) =>
        {
            LoadsOrReports(sample.Remove(position, 1).Insert(position, c.ToString()));
        }, iter: 3000);
    }

    [Fact]
    public void LoadText_YamlSyntaxInsertedOrDeletedInTheSamplePolicy_NeverThrows()
    {
        // Anchors, aliases, tags, merge keys, complex keys, block scalars, flow collections: the YAML features a
        // policy never uses must still give errors, not exceptions, from the parser and from the compiler.
        string[] fragments = [
            "&a ", "*a", "!!str ", "!!int ", "<<: *a\n", "? ", ": ", "- ", "|\n", ">-\n", "[", "]", "{", "}", ",", "#",
            "'", "\"", "\t", "\n  ", "~", "null", "%YAML 1.2\n---\n", "\n---\n", "\u00e9", "\ud83d\ude00"];
        var sample = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "samples", "bybit", "policy.yaml"));
        Gen.Select(Gen.Int[0, sample.Length - 1], Gen.Int[0, 8], Gen.Int[0, fragments.Length - 1])
            .Sample((position, deleted, fragment) =>
        {
            LoadsOrReports(
                sample.Remove(position, Math.Min(deleted, sample.Length - position))
                    .Insert(position, fragments[fragment]));
        }, iter: 3000);
    }

    [Fact]
    public void StrictDecimal_AnyTwoDecimals_OrderedAsSystemDecimal()
    {
        Gen.Select(Gen.Decimal, Gen.Decimal).Sample((x, y) =>
        {
            Assert.True(StrictDecimal.TryParseStrict(x.ToString(CultureInfo.InvariantCulture), out var a));
            Assert.True(StrictDecimal.TryParseStrict(y.ToString(CultureInfo.InvariantCulture), out var b));
            Assert.Equal(x.CompareTo(y), Math.Sign(a.CompareTo(b)));
            Assert.Equal(x + y == 0m, (a + b).CompareTo(default) == 0);
        }, iter: 5000);
    }

    [Fact]
    public void StrictDecimal_AnyLongMantissaAndScale_WrittenAsItsDigitsWithTheScale()
    {
        // Up to 18 digits are written without formatting a BigInteger: the text must be the general path's.
        Gen.Select(Gen.Long, Gen.Int[0, 20]).Sample((m, s) =>
        {
            var digits = BigInteger.Abs(m).ToString(CultureInfo.InvariantCulture).PadLeft(s + 1, '0');
            var text = s == 0 ? digits : digits[..^s] + "." + digits[^s..];
            Assert.Equal(m < 0 ? "-" + text : text, new StrictDecimal(m, s).ToString());
        }, iter: 5000);
        Assert.Equal("0.00", new StrictDecimal(0, 2).ToString());
        Assert.Equal("-0.05", new StrictDecimal(-5, 2).ToString());
        Assert.Equal("123.45", new StrictDecimal(12345, 2).ToString());
        Assert.Equal("0.999999999999999999", new StrictDecimal(999_999_999_999_999_999, 18).ToString());
        Assert.Equal("10000000000000000.00", new StrictDecimal(1_000_000_000_000_000_000, 2).ToString());
    }

    [Fact]
    public void StrictDecimal_AnyTwoLongMantissas_SumAndOrderExactPastTheLongRange()
    {
        // Sums and alignments past 64 bits (and scales 20 digits apart, past any long power of ten) stay exact,
        // so a faster arithmetic for small amounts has to hand over without losing a digit.
        Gen.Select(Gen.Long, Gen.Int[0, 20], Gen.Long, Gen.Int[0, 20]).Sample((m, s, n, t) =>
        {
            var a = new StrictDecimal(m, s);
            var b = new StrictDecimal(n, t);
            var scale = Math.Max(s, t);
            var left = new BigInteger(m) * BigInteger.Pow(10, scale - s);
            var right = new BigInteger(n) * BigInteger.Pow(10, scale - t);
            Assert.Equal(new StrictDecimal(left + right, scale).ToString(), (a + b).ToString());
            Assert.Equal(Math.Sign(left.CompareTo(right)), Math.Sign(a.CompareTo(b)));
            Assert.Equal(a, a + b - b);
            Assert.Equal(a.GetHashCode(), (a + b - b).GetHashCode());
        }, iter: 5000);
    }

    [Fact]
    public void StrictDecimal_AnyTwoDecimals_EqualExactlyWhenOrderedEqualAndHashAlike()
    {
        // Trailing zeros (0.5 and 0.50) must not make two equal amounts unequal or land in different buckets.
        Gen.Select(Gen.Decimal, Gen.Decimal, Gen.Int[0, 4]).Sample((x, y, zeros) =>
        {
            Assert.True(StrictDecimal.TryParseStrict(x.ToString(CultureInfo.InvariantCulture), out var a));
            var padded = x.ToString(CultureInfo.InvariantCulture);
            padded = zeros == 0
                ? padded
                : (padded.Contains('.', StringComparison.Ordinal) ? padded : padded + ".") + new string('0', zeros);
            Assert.True(StrictDecimal.TryParseStrict(padded, out var samePadded));
            Assert.True(StrictDecimal.TryParseStrict(y.ToString(CultureInfo.InvariantCulture), out var b));
            Assert.Equal(a, samePadded);
            Assert.Equal(a.GetHashCode(), samePadded.GetHashCode());
            Assert.Equal(a.CompareTo(b) == 0, a == b);
            Assert.Equal(a.CompareTo(b) == 0, a.Equals((object)b));
        }, iter: 5000);
    }

    [Fact]
    public void Glob_GeneratedPatternsAndNames_MatchAsTheEquivalentRegexAndOverlapWhenANameMatchesBoth()
    {
        var pattern = Gen.Char["ab*?_"].Array[0, 6].Select(chars => new string(chars));
        var name = Gen.Char["ab_"].Array[0, 8].Select(chars => new string(chars));
        Gen.Select(pattern, pattern, name).Sample((first, second, candidate) =>
        {
            var glob = new Glob(first);
            var reference = "^"
                + Regex.Escape(first).Replace(@"\*", ".*", StringComparison.Ordinal)
                    .Replace(@"\?", ".", StringComparison.Ordinal)
                + "$";
            Assert.Equal(Regex.IsMatch(candidate, reference, RegexOptions.Singleline), glob.IsMatch(candidate));

            var other = new Glob(second);
            if (glob.IsMatch(candidate) && other.IsMatch(candidate))
            {
                Assert.True(glob.Overlaps(other), $"'{first}' and '{second}' both match '{candidate}'");
            }
        }, iter: 20000);
    }

    [Fact]
    public void StrictDecimal_GeneratedText_AcceptedExactlyWhenTheGrammarSaysSo()
    {
        // The hand-written parser against the grammar written as regular expressions (docs/policy.md#conditions-when).
        var strict = new Regex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$", RegexOptions.CultureInvariant);
        var json = new Regex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant);
        Gen.Char["0123456789.-+eE ١"].Array[0, 8].Select(chars => new string(chars)).Sample(text =>
        {
            Assert.Equal(strict.IsMatch(text), StrictDecimal.TryParseStrict(text, out var fromText));
            Assert.Equal(
                strict.IsMatch(text),
                StrictDecimal.TryParseUtf8(
                    System.Text.Encoding.UTF8.GetBytes(text), allowExponent: false, out var fromUtf8));
            Assert.Equal(fromText, fromUtf8);
            var match = json.Match(text);
            var withinBound = !match.Success || !match.Groups[3].Success
                || Math.Abs(
                    int.Parse(
                        match.Groups[3].Value.AsSpan(1), NumberStyles.AllowLeadingSign,
                        CultureInfo.InvariantCulture)) <= 400;
            Assert.Equal(
                match.Success && withinBound,
                StrictDecimal.TryParseUtf8(System.Text.Encoding.UTF8.GetBytes(text), allowExponent: true, out _));
        }, iter: 20000);
    }

    /// <summary>A damaged policy either loads (and then evaluates) or reports errors; it never throws.</summary>
    private static void LoadsOrReports(string text)
    {
        var result = PolicyLoader.LoadText(text, "mutated.yaml");
        Assert.True(result.Succeeded || result.Errors.Count > 0);
        if (result.Succeeded)
        {
            _ = new PolicyEngine(result.Policy)
                .Evaluate(
                    PolicyTestData.Call("place_order", """{"qty":"0.01","symbol":"BTCUSDT","category":"spot"}"""));
        }
    }

    private static string FindRepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "McpGuard.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        return root;
    }
}
