using System.Text;
using System.Text.Json;
using CsCheck;
using McpGuard.Session;

namespace McpGuard.Tests.Session;

/// <summary>
/// The quick duplicate-name check never says "sure" for a line the strict parser refuses for a duplicate name; it
/// says "not sure" for escaped names, large objects and text that is not well formed (the strict parse decides).
/// </summary>
public sealed class UniqueNamesTests
{
    private static readonly JsonDocumentOptions s_strict = new() { AllowDuplicateProperties = false, MaxDepth = 1024 };

    private static readonly string[] s_names = ["a", "b", "c", "i\\u0064", "\\\""];
    private static readonly string[] s_values =
        ["1", "\"x\"", "\"a\"", "[]", "{}", "[{\"a\":1,\"a\":2}]", "{\"b\":{}}"];

    public static TheoryData<string, string, bool> Lines => new()
    {
        { "Call",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{"x":1}}}""", true },
        { "SameNameInTwoObjects", """{"a":{"a":1},"b":[{"a":1},{"a":2}]}""", true },
        { "NameInAValue", """{"a":"\"a\":1","b":"{\"a\"}"}""", true },
        { "Duplicate", """{"a":1,"b":2,"a":3}""", false },
        { "DuplicateNested", """{"p":{"n":1,"n":2}}""", false },
        { "DuplicateAfterNestedObject", """{"a":{"x":1},"a":2}""", false },
        { "DuplicateInArrayElement", """{"l":[1,{"k":1,"k":1}]}""", false },
        { "EscapedName", """{"i\u0064":1}""", false },
        { "Unterminated", """{"a":"b""", false },
        { "Unbalanced", """{"a":[1}""", false },
        { "ManyNames", "{" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"n{i}\":1")) + "}", false },
        { "TooDeep", new string('[', 66) + new string(']', 66), false },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Sure_Line_SureOnlyOfUniqueNames(string kase, string line, bool sure)
    {
        Assert.True(sure == UniqueNames.Sure(Encoding.UTF8.GetBytes(line)), kase);
    }

    [Fact]
    public void Sure_RandomObjects_NeverSureOfALineTheStrictParseRefuses()
    {
        var member = Gen.Select(Gen.Int[0, s_names.Length - 1], Gen.Int[0, s_values.Length - 1],
            (n, v) => $"\"{s_names[n]}\":{s_values[v]}");
        Gen.Select(member.Array[0, 6], member.Array[0, 4])
            .Select((outer, inner) =>
                "{" + string.Join(",", outer.Append("\"o\":{" + string.Join(",", inner) + "}")) + "}")
            .Sample(line =>
            {
                if (UniqueNames.Sure(Encoding.UTF8.GetBytes(line)))
                {
                    using var _ = JsonDocument.Parse(line, s_strict);
                }
            }, iter: 2000);
    }
}
