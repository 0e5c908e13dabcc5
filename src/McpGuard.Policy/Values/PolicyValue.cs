using System.Runtime.InteropServices;
using System.Text.Json;
using McpGuard.Policy.Json;

namespace McpGuard.Policy.Values;

/// <summary>
/// A value written in a policy (<c>BTCUSDT</c>, <c>0.01</c>, <c>true</c>). An unquoted strict number compares
/// numerically with JSON numbers and numeric strings; a quoted one, or any other text, compares as a string.
/// </summary>
internal sealed record PolicyValue(string Text, StrictDecimal? Number, bool? Boolean)
{
    // The text in UTF-8, which a document compares with its strings: compared by the string, the document transcoded
    // it on every call (null for text no UTF-8 can hold: compared by the string then, as before). Nothing makes a
    // PolicyValue `with` another Text, which would keep the old bytes.
    private readonly byte[]? _utf8 = ArgumentPath.Utf8(Text);

    // Equal as before the UTF-8 copy was kept: by the three values, never by that array.
    public bool Equals(PolicyValue? other) =>
        other is not null
        && Text == other.Text
        && EqualityComparer<StrictDecimal?>.Default.Equals(Number, other.Number)
        && Boolean == other.Boolean;

    public override int GetHashCode() => HashCode.Combine(Text, Number, Boolean);

    public static PolicyValue FromScalar(string text, bool quoted)
    {
        if (quoted)
        {
            return new PolicyValue(text, null, null);
        }

        if (text is "true" or "false")
        {
            return new PolicyValue(text, null, text == "true");
        }

        return new PolicyValue(text, StrictDecimal.TryParseStrict(text, out var number) ? number : null, null);
    }

    /// <summary>
    /// Equality, or null when the argument cannot be compared with this value (wrong type, not a strict number).
    /// </summary>
    public bool? EqualsArgument(JsonElement argument)
    {
        if (Number is { } number)
        {
            return ArgumentNumber(argument) is { } actual ? actual.CompareTo(number) == 0 : null;
        }

        if (Boolean is { } boolean)
        {
            return argument.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? argument.GetBoolean() == boolean
                : null;
        }

        return _utf8 is not null ? JsonText.TryValueEquals(argument, _utf8) : JsonText.TryValueEquals(argument, Text);
    }

    /// <summary>The argument as an exact number: a JSON number, or a string in the strict form; else null.</summary>
    public static StrictDecimal? ArgumentNumber(JsonElement argument)
    {
        switch (argument.ValueKind)
        {
            case JsonValueKind.Number:
                var raw = JsonMarshal.GetRawUtf8Value(argument);
                return StrictDecimal.TryParseUtf8(raw, allowExponent: true, out var number) ? number : null;
            case JsonValueKind.String:
                // The raw token without its quotes, unless it has escapes: then the decoded string decides (and a
                // lone surrogate, which no string can hold, is not a number).
                var inner = JsonMarshal.GetRawUtf8Value(argument)[1..^1];
                StrictDecimal text;
                var parsed = !inner.Contains((byte)'\\')
                    ? StrictDecimal.TryParseUtf8(inner, allowExponent: false, out text)
                    : StrictDecimal.TryParseStrict(JsonText.TryGetString(argument) ?? "", out text);
                return parsed ? text : null;
            default:
                return null;
        }
    }

    public override string ToString() => Text;
}
