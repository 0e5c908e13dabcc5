using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace McpGuard.Policy.Json;

/// <summary>
/// A path into a call's arguments: <c>qty</c>, <c>order.qty</c>, <c>request[*].qty</c>. <c>[*]</c> stands for every
/// element of an array, so one path can name many values.
/// </summary>
internal sealed class ArgumentPath
{
    private readonly (string Name, bool EachElement)[] _steps;

    private ArgumentPath(string text, (string, bool)[] steps)
    {
        Text = text;
        _steps = steps;
        IsSingle = !steps.Any(s => s.Item2);
    }

    public string Text { get; }

    /// <summary>True when no step is <c>[*]</c>: the path names at most one value.</summary>
    public bool IsSingle { get; private init; }

    /// <summary>The property names in order; <c>EachElement</c> marks a step written with <c>[*]</c>.</summary>
    public IEnumerable<(string Name, bool EachElement)> Steps => _steps;

    public static bool TryParse(string text, [NotNullWhen(true)] out ArgumentPath? path)
    {
        path = null;
        var steps = new List<(string, bool)>();
        foreach (var part in text.Split('.'))
        {
            var each = part.EndsWith("[*]", StringComparison.Ordinal);
            var name = each ? part[..^3] : part;
            if (name.Length == 0 || name.Contains('[') || name.Contains(']') || name.Contains('*'))
            {
                return false;
            }

            steps.Add((name, each));
        }

        path = new ArgumentPath(text, [.. steps]);
        return true;
    }

    /// <summary>Resolves a path without <c>[*]</c> to its one value, allocating nothing.</summary>
    public ArgumentLookup ResolveSingle(JsonElement arguments, out JsonElement value)
    {
        value = arguments;
        foreach (var (name, _) in _steps)
        {
            var step = Child(value, name, out value);
            if (step != ArgumentLookup.Found)
            {
                return step;
            }
        }

        return ArgumentLookup.Found;
    }

    /// <summary>
    /// Every value the path names. Missing when some step is absent or is not the object/array the path needs,
    /// or when an array it spreads is empty: the caller treats that as "cannot evaluate" (fail closed).
    /// </summary>
    public ArgumentLookup Resolve(JsonElement arguments, List<JsonElement> values)
    {
        values.Clear();
        values.Add(arguments);
        var next = new List<JsonElement>();
        foreach (var (name, each) in _steps)
        {
            next.Clear();
            foreach (var value in values)
            {
                var step = Child(value, name, out var child);
                if (step != ArgumentLookup.Found)
                {
                    return step;
                }

                if (!each)
                {
                    next.Add(child);
                    continue;
                }

                if (child.ValueKind != JsonValueKind.Array || child.GetArrayLength() == 0)
                {
                    return ArgumentLookup.Missing;
                }

                next.AddRange(child.EnumerateArray());
            }

            values.Clear();
            values.AddRange(next);
        }

        return ArgumentLookup.Found;
    }

    private static ArgumentLookup Child(JsonElement value, string name, out JsonElement child)
    {
        child = default;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return ArgumentLookup.Missing;
        }

        try
        {
            return value.TryGetProperty(name, out child) ? ArgumentLookup.Found : ArgumentLookup.Missing;
        }
        catch (InvalidOperationException)
        {
            // A key escaping a lone surrogate ("\ud800"): valid JSON no string can hold. The name looked for may
            // or may not be among the keys, so it is neither found nor missing.
            return ArgumentLookup.Unreadable;
        }
    }

    public override string ToString() => Text;
}
