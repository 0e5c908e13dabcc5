using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Agents;

/// <summary>
/// <c>agents.yaml</c> (docs/serve.md#tokens), read and written here because all YAML stays in this project: agent names
/// and the SHA-256 of their bearer tokens, written by <c>mcpguard agents add</c>. A stolen copy of the file gives no
/// token; the file is written for this user only.
/// </summary>
internal static partial class AgentsFile
{
    public const string TokenPrefix = "mcpg_";

    /// <summary>Names are plain words, so they are safe in YAML, logs, audit records and approval questions.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex ValidName();

    /// <summary>The agents in the file; an empty list when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not what <c>agents add</c> writes (the message says
    /// where).</exception>
    public static IReadOnlyList<AgentEntry> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new InvalidDataException($"{path}:{ex.Start.Line}: not YAML ({ex.Message})", ex);
        }

        if (yaml.Documents.Count == 0)
        {
            return [];
        }

        if (yaml.Documents[0].RootNode is YamlMappingNode empty
            && empty.Children.TryGetValue("agents", out var nothing)
            && nothing is YamlScalarNode { Value: "" or "~" or "null", Style: ScalarStyle.Plain })
        {
            // `agents:` with nothing under it: what revoking the last agent wrote before 2026-12-05.
            return [];
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue("agents", out var list)
            || list is not YamlSequenceNode agents)
        {
            throw new InvalidDataException($"{path}:1: expected `agents:` with a list of {{name, sha256, added}}");
        }

        var entries = new List<AgentEntry>();
        foreach (var node in agents.Children)
        {
            entries.Add(ReadEntry(path, node));
        }

        return entries;
    }

    public static void Write(string path, IReadOnlyList<AgentEntry> agents)
    {
        var text = new StringBuilder(
            "# Written by `mcpguard agents add`: the SHA-256 of each agent's bearer token, never the token.\n" +
            (agents.Count == 0 ? "agents: []\n" : "agents:\n"));
        foreach (var agent in agents)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - name: \"{agent.Name}\"\n");
            text.Append(CultureInfo.InvariantCulture, $"    sha256: {Convert.ToHexStringLower(agent.TokenHash)}\n");
            text.Append(
                CultureInfo.InvariantCulture, $"    added: \"{agent.Added.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\"\n");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + "." + Guid.NewGuid().ToString("n");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text.ToString());
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A new token: 256 random bits, with a prefix that secret scanners can recognise.</summary>
    public static string NewToken() =>
        TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static AgentEntry ReadEntry(string path, YamlNode node)
    {
        var line = node.Start.Line;
        if (node is not YamlMappingNode map
            || !map.Children.TryGetValue("name", out var nameNode)
            || nameNode is not YamlScalarNode { Value: { } name } || !ValidName().IsMatch(name)
            || !map.Children.TryGetValue("sha256", out var hashNode)
            || hashNode is not YamlScalarNode { Value: { Length: 64 } hex })
        {
            throw new InvalidDataException(
                $"{path}:{line}: each agent needs a name (letters, digits, . _ -) and a sha256 of 64 hex digits");
        }

        byte[] hash;
        try
        {
            hash = Convert.FromHexString(hex);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{path}:{line}: sha256 must be 64 hex digits", ex);
        }

        var added = map.Children.TryGetValue("added", out var addedNode)
            && addedNode is YamlScalarNode { Value: { } text }
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                ? when
                : DateTimeOffset.MinValue;
        return new AgentEntry(name, hash, added);
    }
}
