using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// Where a part of a policy file is, for findings made after it loaded (<c>check</c> against a server's tools): the
/// compiled policy keeps no positions, so the file is read again and the YAML path walked — a mapping key by its
/// text (its own position is given), a sequence element by its index or its scalar text.
/// </summary>
internal static class PolicyPositions
{
    /// <returns><c>FILE:LINE:COLUMN</c>, or <c>FILE</c> alone when the file or the path cannot be found.</returns>
    public static string Of(string file, IReadOnlyList<string> path)
    {
        YamlNode? node;
        try
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(file))
            {
                stream.Load(reader);
            }

            node = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlException)
        {
            return file;
        }

        var at = node?.Start ?? Mark.Empty;
        foreach (var segment in path)
        {
            (node, at) = node switch
            {
                YamlMappingNode map => map.Children
                    .Where(c => c.Key is YamlScalarNode key && key.Value == segment)
                    .Select(c => ((YamlNode?)c.Value, c.Key.Start))
                    .FirstOrDefault(),
                YamlSequenceNode list => Element(list, segment) is { } element ? (element, element.Start) : default,
                _ => default,
            };
            if (node is null)
            {
                return file;
            }
        }

        return $"{file}:{at.Line}:{at.Column}";
    }

    private static YamlNode? Element(YamlSequenceNode list, string segment) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && index < list.Children.Count
            ? list.Children[index]
            : list.Children.FirstOrDefault(n => n is YamlScalarNode scalar && scalar.Value == segment);
}
