using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Reads a cases file (docs/testing.md) the way <see cref="PolicyLoader"/> reads a policy: by walking the YAML
/// node tree, collecting every problem with its line, column and YAML path; unknown keys are errors.
/// </summary>
internal static class CasesLoader
{
    public static CasesLoadResult LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(new PolicyError(path, 0, 0, "$", $"cannot read the cases file: {ex.Message}"));
        }

        return LoadText(text, path);
    }

    public static CasesLoadResult LoadText(string text, string source)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            return Fail(new PolicyError(source, (int)ex.Start.Line, (int)ex.Start.Column, "$", ex.InnerException?.Message ?? ex.Message));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // As in PolicyLoader: YamlDotNet throws more than YamlException on malformed input.
            var near = parser.Current?.End ?? Mark.Empty;
            return Fail(new PolicyError(source, Math.Max(1, (int)near.Line), Math.Max(1, (int)near.Column), "$", "the YAML is malformed after this point (check brackets, braces and quotes)"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Fail(new PolicyError(source, 1, 1, "$", "the cases file is empty; write `cases:` and a list of cases"));
        }

        if (stream.Documents.Count > 1)
        {
            return Fail(new PolicyError(source, (int)stream.Documents[1].RootNode.Start.Line, 1, "$", "one cases list per file: found a second YAML document"));
        }

        var compiler = new CasesCompiler(source);
        var cases = compiler.Compile(stream.Documents[0].RootNode);
        return compiler.Errors.Count > 0
            ? new CasesLoadResult { Errors = [.. compiler.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)] }
            : new CasesLoadResult { Cases = cases };
    }

    private static CasesLoadResult Fail(PolicyError error) => new() { Errors = [error] };
}
