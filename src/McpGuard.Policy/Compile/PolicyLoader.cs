using McpGuard.Policy.Pins;
using McpGuard.Policy.Yaml;

namespace McpGuard.Policy.Compile;

/// <summary>
/// Reads a policy file (YAML; JSON is valid YAML) into a <see cref="CompiledPolicy"/>, collecting every error
/// with its line, column and YAML path. A missing, empty or invalid file never yields a policy.
/// </summary>
internal static class PolicyLoader
{
    private const string WhenEmpty = "the policy is empty; write at least `version: 1` and `default: deny`";
    private const string WhenSecondDocument = "one policy per file: found a second YAML document";

    public static PolicyLoadResult LoadFile(string path) =>
        Compile(
            SingleYamlDocument.ReadFile(path, "policy file", WhenEmpty, WhenSecondDocument), path,
            LockFileReader.Read);

    /// <summary>
    /// Loads a policy; a <c>pins:</c> block makes it read its lock file too, as part of the same version.
    /// </summary>
    public static PolicyLoadResult LoadText(string text, string source) => LoadText(text, source, LockFileReader.Read);

    /// <param name="readLockFile">Reads the lock file <c>pins.file</c> names (tests and the watcher pass their
    /// own).</param>
    public static PolicyLoadResult LoadText(
        string text, string source, Func<string, LockFileLoadResult> readLockFile) =>
        Compile(SingleYamlDocument.Read(text, source, WhenEmpty, WhenSecondDocument), source, readLockFile);

    private static PolicyLoadResult Compile(
        SingleYamlDocument read, string source, Func<string, LockFileLoadResult> readLockFile)
    {
        if (read is not SingleYamlDocument.Loaded { Root: var root })
        {
            return new PolicyLoadResult { Errors = [((SingleYamlDocument.Failed)read).Error] };
        }

        if (UnknownTag.Find(root, source) is { } tagged)
        {
            return new PolicyLoadResult { Errors = [tagged] };
        }

        var compiler = new PolicyCompiler(source, readLockFile);
        var policy = compiler.Compile(root);
        return compiler.Errors.Count > 0 || policy is null
            ? new PolicyLoadResult { Errors = [.. compiler.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)] }
            : new PolicyLoadResult { Policy = policy };
    }
}
