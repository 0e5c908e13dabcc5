using System.Globalization;
using System.Text.Json;

namespace McpGuard.BybitSimulator;

/// <summary>Reads tool arguments leniently, as the real server does (numbers may come as strings).</summary>
internal sealed class Args(IDictionary<string, JsonElement> values)
{
    public string? Str(string name) => values.TryGetValue(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => null,
    } : null;

    public string Required(string name) =>
        Str(name) is { Length: > 0 } value
            ? value
            : throw new BybitException(10001, $"params error: {name} is required");

    public int? Int(string name) =>
        int.TryParse(Str(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public decimal? Decimal(string name) =>
        Str(name) is { } text
            && decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
            ? d
            : null;

    /// <summary>A positive decimal, as an exchange insists for quantities, prices and leverage.</summary>
    public decimal Positive(string name) =>
        Decimal(name) is { } value && value > 0
            ? value
            : throw new BybitException(10001, $"params error: {name} must be a positive decimal");

    public IEnumerable<Args> List(string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                .Select(e => new Args(e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())))
            : throw new BybitException(10001, $"params error: {name} must be a list of requests");

    /// <summary>A copy with one more value (a batch item inherits the batch's category).</summary>
    public Args With(string name, string? value)
    {
        var copy = new Dictionary<string, JsonElement>(values);
        if (value is not null && !copy.ContainsKey(name))
        {
            copy[name] = JsonSerializer.SerializeToElement(value);
        }

        return new Args(copy);
    }
}
