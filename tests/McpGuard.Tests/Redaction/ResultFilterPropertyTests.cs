using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using McpGuard.Tests.Policy;
using McpGuard.Redaction;

namespace McpGuard.Tests.Redaction;

/// <summary>
/// Generated tools/call answers (text items, embedded resources, structuredContent of any depth, images, _meta), with
/// secrets planted in the text at any depth and every string spelled with arbitrary escapes: the filtered answer
/// parses, has the same shape and id, holds no planted secret, and is the original bytes when nothing was planted.
/// </summary>
public sealed class ResultFilterPropertyTests
{
    private static readonly string[] s_secrets =
    [
        "AKIAIOSFODNN7EXAMPLE", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ];

    // Filler that no detector can read as a secret, with the characters escaping is about.
    private static readonly string[] s_filler = [
        "a", " ", "é", "😀", "\n", "\"", "\\", "/", "1", "BTC", "\u2028", "<", "&", "\u0001", "\t"];

    private static readonly Gen<string> s_text = Gen.Select(
        Gen.Int[0, s_filler.Length - 1].Array[0, 6],
        Gen.Int[-3, s_secrets.Length - 1],
        Gen.Int[0, s_filler.Length - 1].Array[0, 6],
        (before, secret, after) => Filler(before) + (secret < 0 ? "" : " " + s_secrets[secret] + " ") + Filler(after));

    private static readonly Gen<object?> s_structured = Gen.Recursive<object?>((depth, value) => depth >= 4
        ? Gen.OneOf(s_text.Select(t => (object?)t), Gen.Int.Select(i => (object?)(double)i), Gen.Const((object?)null))
        : Gen.OneOf(
            s_text.Select(t => (object?)t),
            Gen.Bool.Select(b => (object?)b),
            value.List[0, 3].Select(items => (object?)items),
            Gen.Select(Gen.Int[0, 9], value).List[0, 3].Select(Members)));

    private static readonly Gen<object?> s_item = Gen.OneOf(
        s_text.Select(t => Object(("type", "text"), ("text", t))),
        s_text.Select(
            t => Object(
                ("type", "resource"),
                ("resource", Object(("uri", "file:///a"), ("mimeType", "text/plain"), ("text", t))))),
        Gen.Const(Object(("type", "image"), ("data", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"), ("mimeType", "image/png"))));

    private static readonly Gen<object?> s_message = Gen.Select(
        s_item.List[0, 4], s_structured, Gen.Bool, Gen.Long, (items, structured, modern, id) =>
        Object(
            ("jsonrpc", "2.0"),
            ("id", id % 2 == 0 ? (object?)(double)(id % 1000) : id.ToString(CultureInfo.InvariantCulture)),
            ("result", modern
                ? Object(
                    ("content", items), ("structuredContent", structured), ("isError", false),
                    ("resultType", "complete"))
                : Object(
                    ("content", items), ("structuredContent", structured),
                    ("_meta", Object(("note", "AKIAIOSFODNN7EXAMPLE")))))));

    [Fact]
    public void Apply_AnyAnswerWithPlantedSecrets_KeepsShapeAndIdAndLeaksNothing()
    {
        var rules = PolicyTestData.Load("version: 1\ndefault: deny\nresults: { redact: [secrets] }\n").Results;
        Gen.Select(s_message, Gen.Int).Sample((message, seed) =>
        {
            var original = Encoding.UTF8.GetBytes(Spell(message, new Random(seed)));
            var filtered = ResultFilter.Apply(new ReadOnlySequence<byte>(original), rules, ResultShape.ToolResult);
            var planted = Planted(message);

            if (filtered is FilteredResult.Untouched)
            {
                Assert.False(planted, "a planted secret went through untouched");
                return;
            }

            var redacted = Assert.IsType<FilteredResult.Redacted>(filtered);
            Assert.True(planted, "nothing was planted, yet the answer changed");
            using var before = JsonDocument.Parse(original);
            using var after = JsonDocument.Parse(
                redacted.Line, new JsonDocumentOptions { AllowDuplicateProperties = false });
            Assert.Equal(
                before.RootElement.GetProperty("id").GetRawText(), after.RootElement.GetProperty("id").GetRawText());
            SameShape(before.RootElement, after.RootElement, scanned: false);
            Assert.True(redacted.Counts["secrets"] > 0);
        }, iter: 3000);
    }

    /// <summary>
    /// Same kinds, names in order, lengths, numbers; a string is unchanged unless a secret was in it.
    /// </summary>
    private static void SameShape(JsonElement before, JsonElement after, bool scanned)
    {
        Assert.Equal(before.ValueKind, after.ValueKind);
        switch (before.ValueKind)
        {
            case JsonValueKind.Object:
                var names = before.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(names, after.EnumerateObject().Select(p => p.Name));
                foreach (var name in names)
                {
                    SameShape(
                        before.GetProperty(name), after.GetProperty(name),
                        scanned || name is "content" or "structuredContent");
                }

                break;
            case JsonValueKind.Array:
                Assert.Equal(before.GetArrayLength(), after.GetArrayLength());
                foreach (var (b, a) in before.EnumerateArray().Zip(after.EnumerateArray()))
                {
                    SameShape(b, a, scanned);
                }

                break;
            case JsonValueKind.String:
                var text = before.GetString()!;
                var secrets = s_secrets.Where(s => text.Contains(s, StringComparison.Ordinal)).ToList();
                if (scanned && secrets.Count > 0)
                {
                    Assert.DoesNotContain(s_secrets, s => after.GetString()!.Contains(s, StringComparison.Ordinal));
                    Assert.Contains("[redacted: secrets]", after.GetString(), StringComparison.Ordinal);
                }
                else
                {
                    Assert.Equal(before.GetRawText(), after.GetRawText()); // the server's own escapes, untouched
                }

                break;
            default:
                Assert.Equal(before.GetRawText(), after.GetRawText());
                break;
        }
    }

    private static bool Planted(object? message) =>
        message is List<(string Key, object? Value)> members
            ? members.Any(m => m.Key != "_meta" && Planted(m.Value))
            : message is List<object?> items ? items.Any(Planted) : message is string s && s_secrets.Any(s.Contains);

    private static string Filler(int[] picks) => string.Concat(picks.Select(i => s_filler[i]));

    // object? on purpose: generated values are untyped trees.
#pragma warning disable CA1859
    private static object? Object(params (string Key, object? Value)[] members) => members.ToList();
#pragma warning restore CA1859

    private static object? Members(List<(int Key, object? Value)> members) =>
        members.DistinctBy(m => m.Key).Select(m => ("k" + m.Key.ToString(CultureInfo.InvariantCulture), m.Value))
            .ToList();

    /// <summary>
    /// JSON text with random whitespace, and each character written raw or escaped (<c>\u00e9</c>, <c>\/</c>,
    /// <c>\n</c>).
    /// </summary>
    private static string Spell(object? value, Random random)
    {
        var builder = new StringBuilder();
        Write(value, random, builder);
        return builder.ToString();
    }

    private static void Write(object? value, Random random, StringBuilder builder)
    {
        var space = random.Next(4) == 0 ? " " : "";
        switch (value)
        {
            case null: builder.Append("null"); break;
            case bool b: builder.Append(b ? "true" : "false"); break;
            case double d: builder.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case string s: WriteString(s, random, builder); break;
            case List<object?> items:
                builder.Append('[').Append(space);
                for (var i = 0; i < items.Count; i++)
                {
                    builder.Append(i > 0 ? "," + space : "");
                    Write(items[i], random, builder);
                }

                builder.Append(']');
                break;
            case List<(string Key, object? Value)> members:
                builder.Append('{').Append(space);
                for (var i = 0; i < members.Count; i++)
                {
                    builder.Append(i > 0 ? "," + space : "");
                    WriteString(members[i].Key, random, builder);
                    builder.Append(':').Append(space);
                    Write(members[i].Value, random, builder);
                }

                builder.Append('}');
                break;
        }
    }

    private static void WriteString(string text, Random random, StringBuilder builder)
    {
        builder.Append('"');
        var escape = false;
        foreach (var c in text)
        {
            // Both halves of a surrogate pair are written alike: one escaped half beside a raw one is not text.
            escape = char.IsLowSurrogate(c) ? escape : random.Next(5) == 0;
            _ = c switch
            {
                '"' => builder.Append(escape ? "\\u0022" : "\\\""),
                '\\' => builder.Append(escape ? "\\u005C" : "\\\\"),
                '/' when escape => builder.Append("\\/"),
                '\n' when !escape => builder.Append("\\n"),
                '\t' when !escape => builder.Append("\\t"),
                _ when escape || c < ' ' => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }

        builder.Append('"');
    }
}
