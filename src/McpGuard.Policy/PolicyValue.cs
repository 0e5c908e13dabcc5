using System.Text.Json;

namespace McpGuard.Policy;

/// <summary>
/// A value written in a policy (<c>BTCUSDT</c>, <c>0.01</c>, <c>true</c>). An unquoted strict number compares
/// numerically with JSON numbers and numeric strings; a quoted one, or any other text, compares as a string.
/// </summary>
public sealed record PolicyValue(string Text, StrictDecimal? Number, bool? Boolean)
{
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

    /// <summary>Equality, or null when the argument cannot be compared with this value (wrong type, not a strict number).</summary>
    public bool? EqualsArgument(JsonElement argument)
    {
        if (Number is { } number)
        {
            return ArgumentNumber(argument) is { } actual ? actual.CompareTo(number) == 0 : null;
        }

        if (Boolean is { } boolean)
        {
            return argument.ValueKind is JsonValueKind.True or JsonValueKind.False ? argument.GetBoolean() == boolean : null;
        }

        return argument.ValueKind == JsonValueKind.String ? argument.ValueEquals(Text) : null;
    }

    /// <summary>The argument as an exact number: a JSON number, or a string in the strict form; else null.</summary>
    public static StrictDecimal? ArgumentNumber(JsonElement argument) => argument.ValueKind switch
    {
        JsonValueKind.Number when StrictDecimal.TryParseJsonNumber(argument.GetRawText(), out var n) => n,
        JsonValueKind.String when StrictDecimal.TryParseStrict(argument.GetString()!, out var s) => s,
        _ => null,
    };

    public override string ToString() => Text;
}
