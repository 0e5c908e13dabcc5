using McpGuard.Policy.Yaml;

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
        var read = SingleYamlDocument.Read(
            text, source,
            whenEmpty: "the cases file is empty; write `cases:` and a list of cases",
            whenSecondDocument: "one cases list per file: found a second YAML document");
        if (read is not SingleYamlDocument.Loaded { Root: var root })
        {
            return Fail(((SingleYamlDocument.Failed)read).Error);
        }

        var compiler = new CasesCompiler(source);
        var cases = compiler.Compile(root);
        return compiler.Errors.Count > 0
            ? new CasesLoadResult { Errors = [.. compiler.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)] }
            : new CasesLoadResult { Cases = cases };
    }

    private static CasesLoadResult Fail(PolicyError error) => new() { Errors = [error] };
}
