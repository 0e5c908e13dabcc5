using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsCheck;
using McpGuard.Policy.Json;

namespace McpGuard.Tests.Policy.Json;

/// <summary>
/// Generated JSON values, each written in many spellings (member order, whitespace, number forms such as <c>1</c>,
/// <c>1.0</c>, <c>10e-1</c>, <c>0.1E1</c>, and escapes such as <c>\u0041</c> or <c>\/</c>): every spelling of one value
/// hashes alike, and two values hash alike only when they are equal. The alphabet is small on purpose, so equal pairs
/// are common and the "only when" half is really tested.
/// </summary>
public sealed class CanonicalJsonPropertyTests
{
    private static readonly double[] s_numbers = [
        0, 1, -1, 1.5, 0.1, 100, 1e21, 1e-7, 123456789.125, -0.0001, 5e-324, 9007199254740993];
    private static readonly string[] s_strings = ["", "a", "A", "é", "\n", "\"", "\\", "😀", "\u2028", "/", "a\u0001"];
    private static readonly string[] s_keys = ["a", "b", "B", "é", "😀"];

    private static readonly Gen<object?> s_value = Gen.Recursive<object?>((depth, value) => depth >= 3
        ? Leaf()
        : Gen.OneOf(
            Leaf(),
            value.List[0, 3].Select(items => (object?)items),
            Gen.Select(Gen.Int[0, s_keys.Length - 1], value).List[0, 3].Select(members => (object?)Map(members))));

    [Fact]
    public void TryEncode_EverySpellingOfOneValue_GivesOneHash()
    {
        Gen.Select(s_value, Gen.Int, Gen.Int).Sample((value, seed1, seed2) =>
        {
            var first = Hash(Spell(value, new Random(seed1)));
            var second = Hash(Spell(value, new Random(seed2)));
            Assert.Equal(first, second);
        });
    }

    [Fact]
    public void TryEncode_TwoValues_HashAlikeExactlyWhenEqual()
    {
        var equalPairs = 0;
        Gen.Select(s_value, s_value, Gen.Int).Sample((a, b, seed) =>
        {
            var equal = Same(a, b);
            equalPairs += equal ? 1 : 0;
            Assert.Equal(equal, Hash(Spell(a, new Random(seed))) == Hash(Spell(b, new Random(seed + 1))));
        }, iter: 2000);
        Assert.True(equalPairs > 20, $"only {equalPairs} equal pairs were generated; the property was barely tested");
    }

    private static SortedDictionary<string, object?> Map(List<(int Key, object? Value)> members)
    {
        var map = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in members)
        {
            map[s_keys[key]] = value;
        }

        return map;
    }

    private static Gen<object?> Leaf() => Gen.OneOf(
        Gen.Int[0, s_numbers.Length - 1].Select(i => (object?)s_numbers[i]),
        Gen.Int[0, s_strings.Length - 1].Select(i => (object?)s_strings[i]),
        Gen.Bool.Select(b => (object?)b),
        Gen.Const(() => (object?)null));

    private static string Hash(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True(CanonicalJson.TryEncode(document.RootElement, out var canonical, out var problem), problem);
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (double x, double y) => x.Equals(y) || (x == 0 && y == 0),
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (SortedDictionary<string, object?> x, SortedDictionary<string, object?> y) =>
            x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var other) && Same(p.Value, other)),
        _ => false,
    };

    /// <summary>
    /// One random spelling of the value: shuffled members, random whitespace, number forms and escapes.
    /// </summary>
    private static string Spell(object? value, Random random)
    {
        var space = random.Next(3) == 0 ? " " : "";
        switch (value)
        {
            case null: return "null";
            case bool b: return b ? "true" : "false";
            case double d: return SpellNumber(d, random);
            case string s: return SpellString(s, random);
            case List<object?> list: return "[" + space + string.Join("," + space, list.Select(v => Spell(v, random)))
                + "]";
            case SortedDictionary<string, object?> map:
                var members = map.OrderBy(_ => random.Next())
                    .Select(p => SpellString(p.Key, random) + space + ":" + space + Spell(p.Value, random));
                return "{" + space + string.Join("," + space, members) + "}";
            default: throw new InvalidOperationException();
        }
    }

    /// <summary>
    /// The same decimal value with its point moved and an exponent to match, and optional trailing zeros.
    /// </summary>
    private static string SpellNumber(double value, Random random)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (value == 0)
        {
            return random.Next(4) switch { 0 => "0", 1 => "0.0", 2 => "-0", _ => "0e5" };
        }

        var negative = text.StartsWith('-');
        var body = negative ? text[1..] : text;
        var e = body.IndexOfAny(['E', 'e']);
        var exponent = e < 0 ? 0 : int.Parse(body[(e + 1)..], CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? body : body[..e];
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        exponent -= digits.Length - (point < 0 ? mantissa.Length : point);
        digits = digits.TrimStart('0');

        // value = digits × 10^exponent; write it as digits[..split].digits[split..] × 10^(exponent + tail length).
        var split = random.Next(1, digits.Length + 1);
        var tail = digits[split..] + new string('0', random.Next(3));
        var shown = exponent + digits.Length - split;
        var spelled = (negative ? "-" : "") + digits[..split] + (tail.Length > 0 ? "." + tail : "");
        if (shown == 0 && random.Next(2) == 0)
        {
            return spelled;
        }

        return spelled + (random.Next(2) == 0 ? "e" : "E") + (shown >= 0 && random.Next(2) == 0 ? "+" : "")
            + shown.ToString(CultureInfo.InvariantCulture);
    }

    private static string SpellString(string value, Random random)
    {
        var text = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            if (!rune.IsBmp)
            {
                // A pair is escaped whole or not at all: half a pair would be a lone surrogate, another value.
                var pair = rune.ToString();
                text.Append(random.Next(2) == 0 ? pair : $"\\u{(int)pair[0]:x4}\\u{(int)pair[1]:X4}");
                continue;
            }

            var c = (char)rune.Value;
            var mustEscape = c is '"' or '\\' || c < ' ';
            if (mustEscape || random.Next(3) == 0)
            {
                text.Append(c switch
                {
                    '"' when random.Next(2) == 0 => "\\\"",
                    '\\' when random.Next(2) == 0 => "\\\\",
                    '\n' when random.Next(2) == 0 => "\\n",
                    '/' when random.Next(2) == 0 => "\\/",
                    _ => "\\u" + ((int)c).ToString(random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture),
                });
            }
            else
            {
                text.Append(c);
            }
        }

        return text.Append('"').ToString();
    }
}
