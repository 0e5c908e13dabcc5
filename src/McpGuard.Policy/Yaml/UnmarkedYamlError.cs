using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// The two YamlDotNet errors that come without a position: a tab used as indentation and an alias (<c>*name</c>)
/// of an anchor that was never set. Both are thrown at line 1, column 1, which sends the reader to the wrong end
/// of the file, so the text is read again to find the place.
/// </summary>
internal static class UnmarkedYamlError
{
    /// <summary>
    /// The error at the place of <paramref name="ex"/>'s cause; null when it has a position or none is found.
    /// </summary>
    public static PolicyError? Find(string text, string source, YamlException ex)
    {
        if (ex.Start.Index != 0 || ex.End.Index != 0)
        {
            return null;
        }

        if (ex is AnchorNotFoundException)
        {
            return UnknownAlias(text) is { } alias
                ? new PolicyError(source, (int)alias.Start.Line, (int)alias.Start.Column, "$",
                    $"the alias *{alias.Value.Value} names no anchor (&{alias.Value.Value}) written before it")
                : null;
        }

        return ex.Message.Contains("tab", StringComparison.Ordinal) && TabIndent(text) is (int line, int column)
            ? new PolicyError(source, line, column, "$", ex.InnerException?.Message ?? ex.Message)
            : null;
    }

    private static AnchorAlias? UnknownAlias(string text)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias when !anchors.Contains(alias.Value.Value):
                        return alias;
                    case NodeEvent { Anchor.IsEmpty: false } node:
                        anchors.Add(node.Anchor.Value);
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // The text broke before an unknown alias: no better place than YamlDotNet's.
        }

        return null;
    }

    /// <summary>The first line whose indentation holds a tab (1-based line and column of the tab).</summary>
    private static (int Line, int Column)? TabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            var tab = line.IndexOf('\t', 0, indent);
            if (tab >= 0 && indent < line.TrimEnd('\r').Length)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }
}
