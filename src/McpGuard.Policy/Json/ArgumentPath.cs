using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace McpGuard.Policy.Json;

/// <summary>
/// A path into a call's arguments: <c>qty</c>, <c>order.qty</c>, <c>request[*].qty</c>. <c>[*]</c> stands for every
/// element of an array, so one path can name many values.
/// </summary>
internal sealed class ArgumentPath
{
    private static readonly UTF8Encoding s_strictUtf8 =
        new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly (string Name, bool EachElement)[] _steps;

    // Each step's name in UTF-8, which the document compares with its keys: looking a key up by a string made the
    // document transcode the name on every call (null for a name no UTF-8 can hold: looked up by the string then).
    private readonly byte[]?[] _utf8Names;

    private ArgumentPath(string text, (string, bool)[] steps)
    {
        Text = text;
        _steps = steps;
        _utf8Names = [.. steps.Select(s => Utf8(s.Item1))];
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
        for (var i = 0; i < _steps.Length; i++)
        {
            var step = Child(value, _steps[i].Name, _utf8Names[i], out value);
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
        for (var i = 0; i < _steps.Length; i++)
        {
            var (name, each) = _steps[i];
            next.Clear();
            foreach (var value in values)
            {
                var step = Child(value, name, _utf8Names[i], out var child);
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

    private static ArgumentLookup Child(JsonElement value, string name, byte[]? utf8Name, out JsonElement child)
    {
        child = default;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return ArgumentLookup.Missing;
        }

        try
        {
            var found = utf8Name is not null
                ? value.TryGetProperty(utf8Name, out child)
                : value.TryGetProperty(name, out child);
            return found ? ArgumentLookup.Found : ArgumentLookup.Missing;
        }
        catch (InvalidOperationException)
        {
            // A key escaping a lone surrogate ("\ud800"): valid JSON no string can hold. The name looked for may
            // or may not be among the keys, so it is neither found nor missing.
            return ArgumentLookup.Unreadable;
        }
    }

    public override string ToString() => Text;

    /// <summary>The text in UTF-8, or null when it holds a lone surrogate, which no UTF-8 can.</summary>
    public static byte[]? Utf8(string name)
    {
        try
        {
            return s_strictUtf8.GetBytes(name);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }
}
