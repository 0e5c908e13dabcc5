using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

/// <summary>
/// One top-level key of a policy: the parser that reads its node (reporting to the file's walker) and the part of
/// the <see cref="PolicyDraft"/> its result fills. <see cref="PolicyCompiler"/> lists them all.
/// </summary>
internal sealed class PolicySection
{
    private readonly Action<YamlWalker, YamlNode, PolicyDraft> _read;

    private PolicySection(string key, Action<YamlWalker, YamlNode, PolicyDraft> read, string? whenMissing)
    {
        Key = key;
        _read = read;
        WhenMissing = whenMissing;
    }

    /// <summary>The key as a policy writes it: <c>tools</c>.</summary>
    public string Key { get; }

    /// <summary>What to say when the policy leaves out a section it must write; null for an optional one.</summary>
    public string? WhenMissing { get; }

    /// <param name="parse">Reads the section's node; problems go to the walker.</param>
    /// <param name="fill">Puts what <paramref name="parse"/> read into the draft.</param>
    /// <param name="whenMissing">For a required section: what to say when it is missing.</param>
    public static PolicySection Of<T>(
        string key, Func<YamlWalker, YamlNode, T> parse, Action<PolicyDraft, T> fill, string? whenMissing = null) =>
        new(key, (yaml, node, draft) => fill(draft, parse(yaml, node)), whenMissing);

    public void Read(YamlWalker yaml, YamlNode node, PolicyDraft draft) => _read(yaml, node, draft);
}
