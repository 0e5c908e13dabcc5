using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// Where a repeated mapping key is, said as the walker says every other problem: YamlDotNet refuses the whole
/// document at the second key with "Duplicate key X" and no path, so the events are read again up to that key.
/// </summary>
internal static class DuplicateKey
{
    /// <summary>
    /// The error for the key at <paramref name="at"/> (where YamlDotNet stopped): its path and the line of its
    /// first writing; null when no repeated key starts there (then the caller keeps YamlDotNet's words).
    /// </summary>
    public static PolicyError? Find(string text, string source, Mark at)
    {
        var frames = new Stack<Frame>();
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case Scalar scalar when frames.TryPeek(out var map) && map.ExpectsKey:
                        if (scalar.Start.Index == at.Index)
                        {
                            return map.FirstLines.TryGetValue(scalar.Value, out var first)
                                ? new PolicyError(
                                    source, (int)at.Line, (int)at.Column, Child(map.Path, scalar.Value),
                                    $"the key '{scalar.Value}' is written twice (first at line {first})")
                                : null;
                        }

                        map.FirstLines.TryAdd(scalar.Value, (int)scalar.Start.Line);
                        map.Key = scalar.Value;
                        map.ExpectsKey = false;
                        break;
                    case MappingStart or SequenceStart:
                        var path = frames.TryPeek(out var parent) ? parent.ChildPath() : "$";
                        frames.Push(new Frame(path, parser.Current is MappingStart));
                        break;
                    case MappingEnd or SequenceEnd:
                        frames.Pop();
                        ValueDone(frames);
                        break;
                    case Scalar or AnchorAlias:
                        ValueDone(frames);
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // The text broke before the key (it cannot: YamlDotNet read up to it); keep YamlDotNet's words.
        }

        return null;
    }

    private static void ValueDone(Stack<Frame> frames)
    {
        if (frames.TryPeek(out var frame))
        {
            frame.ValueDone();
        }
    }

    private static string Child(string path, string key) => path == "$" ? key : $"{path}.{key}";

    private sealed class Frame(string path, bool isMapping)
    {
        private readonly bool _isMapping = isMapping;
        private int _index;

        public string Path => path;

        public Dictionary<string, int> FirstLines { get; } = new(StringComparer.Ordinal);

        public bool ExpectsKey { get; set; } = isMapping;

        public string Key { get; set; } = "";

        public string ChildPath() => _isMapping ? Child(path, Key) : $"{path}[{_index}]";

        public void ValueDone()
        {
            if (_isMapping)
            {
                // A key that is itself a mapping or sequence is not one a policy has: it counts as the key here.
                ExpectsKey = !ExpectsKey;
            }
            else
            {
                _index++;
            }
        }
    }
}
