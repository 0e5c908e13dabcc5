using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// The one YAML document of a file that must hold exactly one (a policy, a cases file): its root node, or the
/// positioned error that says why there is none. Both loaders read their files through it.
/// </summary>
internal abstract record SingleYamlDocument
{
    private SingleYamlDocument()
    {
    }

    public sealed record Loaded(YamlNode Root) : SingleYamlDocument;

    public sealed record Failed(PolicyError Error) : SingleYamlDocument;

    /// <summary>
    /// Reads the file at <paramref name="path"/> as <see cref="Read"/> does its text; a file that cannot be read is
    /// one error naming the file and <paramref name="what"/> it is (<c>policy file</c>, <c>cases file</c>).
    /// </summary>
    public static SingleYamlDocument ReadFile(string path, string what, string whenEmpty, string whenSecondDocument)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The runtime's own words repeat the path ("Could not find file '/x/p.yaml'.") or mislead (a folder is
            // "Access to the path is denied"): say what is wrong instead.
            var why = ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist"
                : Directory.Exists(path) ? "it is a folder, not a file"
                : ex.Message;
            return new Failed(new PolicyError(path, 0, 0, "$", $"cannot read the {what}: {why}"));
        }

        var text = PolicyText.Decode(bytes);
        if (text is PolicyText.NotUtf8 bad)
        {
            return new Failed(new PolicyError(path, bad.Line, bad.Column, "$",
                $"the {what} is not UTF-8 text: byte 0x{bad.Byte:X2} here cannot be read (save the file as UTF-8)"));
        }

        return Read(((PolicyText.Decoded)text).Text, path, whenEmpty, whenSecondDocument);
    }

    /// <param name="whenEmpty">What to say about an empty file (what to write instead).</param>
    /// <param name="whenSecondDocument">What to say when a second document follows the first.</param>
    public static SingleYamlDocument Read(string text, string source, string whenEmpty, string whenSecondDocument)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            if (DuplicateKey.Find(text, source, ex.Start) is { } duplicate)
            {
                return new Failed(duplicate);
            }

            if (UnmarkedYamlError.Find(text, source, ex) is { } unmarked)
            {
                return new Failed(unmarked);
            }

            if (UnclosedFlow.Find(text, source, ex.Start) is { } unclosed)
            {
                return new Failed(unclosed);
            }

            var message = ex.InnerException?.Message ?? ex.Message;
            return new Failed(new PolicyError(source, (int)ex.Start.Line, (int)ex.Start.Column, "$", message));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // YamlDotNet throws more than YamlException on malformed input (InvalidOperationException for an
            // unclosed flow collection, ArgumentException for a stray ':'; found by PropertyTests). Whatever it
            // throws, the file is not readable: say so at the last event it read, the nearest position we have.
            var near = parser.Current?.End ?? Mark.Empty;
            if (UnclosedFlow.Find(text, source, near) is { } unclosed)
            {
                return new Failed(unclosed);
            }

            return new Failed(new PolicyError(
                source, Math.Max(1, (int)near.Line), Math.Max(1, (int)near.Column), "$",
                "the YAML is malformed after this point (check brackets, braces and quotes)"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new Failed(new PolicyError(source, 1, 1, "$", whenEmpty));
        }

        return stream.Documents.Count > 1
            ? new Failed(
                new PolicyError(source, (int)stream.Documents[1].RootNode.Start.Line, 1, "$", whenSecondDocument))
            : new Loaded(stream.Documents[0].RootNode);
    }
}
