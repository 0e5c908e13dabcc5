using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy;

/// <summary>
/// Reads a policy file (YAML; JSON is valid YAML) into a <see cref="CompiledPolicy"/>, collecting every error
/// with its line, column and YAML path. A missing, empty or invalid file never yields a policy.
/// </summary>
internal static class PolicyLoader
{
    public static PolicyLoadResult LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(new PolicyError(path, 0, 0, "$", $"cannot read the policy file: {ex.Message}"));
        }

        return LoadText(text, path);
    }

    /// <summary>Loads a policy; a <c>pins:</c> block makes it read its lock file too, as part of the same version.</summary>
    public static PolicyLoadResult LoadText(string text, string source) => LoadText(text, source, LockFileReader.Read);

    /// <param name="readLockFile">Reads the lock file <c>pins.file</c> names (tests and the watcher pass their own).</param>
    public static PolicyLoadResult LoadText(string text, string source, Func<string, LockFileLoadResult> readLockFile)
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
            // YamlDotNet throws more than YamlException on malformed input (InvalidOperationException for an
            // unclosed flow collection, ArgumentException for a stray ':'; found by PropertyTests). Whatever it
            // throws, the file is not a policy: say so at the last event it read, the nearest position we have.
            var near = parser.Current?.End ?? Mark.Empty;
            return Fail(new PolicyError(source, Math.Max(1, (int)near.Line), Math.Max(1, (int)near.Column), "$", "the YAML is malformed after this point (check brackets, braces and quotes)"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Fail(new PolicyError(source, 1, 1, "$", "the policy is empty; write at least `version: 1` and `default: deny`"));
        }

        if (stream.Documents.Count > 1)
        {
            return Fail(new PolicyError(source, (int)stream.Documents[1].RootNode.Start.Line, 1, "$", "one policy per file: found a second YAML document"));
        }

        var compiler = new PolicyCompiler(source, readLockFile);
        var policy = compiler.Compile(stream.Documents[0].RootNode);
        return compiler.Errors.Count > 0 || policy is null
            ? new PolicyLoadResult { Errors = [.. compiler.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)] }
            : new PolicyLoadResult { Policy = policy };
    }

    private static PolicyLoadResult Fail(PolicyError error) => new() { Errors = [error] };
}
