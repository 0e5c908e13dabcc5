using McpGuard.Policy.Yaml;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Reads a cases file (docs/testing.md) the way <see cref="PolicyLoader"/> reads a policy: by walking the YAML
/// node tree, collecting every problem with its line, column and YAML path; unknown keys are errors.
/// </summary>
internal static class CasesLoader
{
    private const string WhenEmpty = "the cases file is empty; write `cases:` and a list of cases";
    private const string WhenSecondDocument = "one cases list per file: found a second YAML document";

    public static CasesLoadResult LoadFile(string path) =>
        Compile(SingleYamlDocument.ReadFile(path, "cases file", WhenEmpty, WhenSecondDocument), path);

    public static CasesLoadResult LoadText(string text, string source) =>
        Compile(SingleYamlDocument.Read(text, source, WhenEmpty, WhenSecondDocument), source);

    private static CasesLoadResult Compile(SingleYamlDocument read, string source)
    {
        if (read is not SingleYamlDocument.Loaded { Root: var root })
        {
            return new CasesLoadResult { Errors = [((SingleYamlDocument.Failed)read).Error] };
        }

        var compiler = new CasesCompiler(source);
        var cases = compiler.Compile(root);
        return compiler.Errors.Count > 0
            ? new CasesLoadResult { Errors = [.. compiler.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)] }
            : new CasesLoadResult { Cases = cases };
    }
}
