using McpGuard.Home;
using McpGuard.Policy;
using McpGuard.Policy.Settings;

namespace McpGuard.Composition;

/// <summary>
/// Where <c>agents.yaml</c> is: the policy's <c>serve.auth.tokens</c> (relative to the policy), else the home's.
/// </summary>
internal static class AgentsFilePath
{
    public static string Default => Path.Combine(McpGuardHome.Path, "agents.yaml");

    public static string For(CompiledPolicy? policy) =>
        policy?.Serve.Auth is ServeAuth.Tokens tokens ? Resolve(policy, tokens.File) : Default;

    /// <summary>
    /// A path written in the policy: <c>~/</c> is the user's home, a relative one is beside the policy file.
    /// </summary>
    public static string Resolve(CompiledPolicy policy, string written)
    {
        var expanded = written.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(UserHome.Path, written[2..])
            : written;
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(policy.Source))!, expanded));
    }
}
