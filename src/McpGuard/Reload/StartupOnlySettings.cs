using McpGuard.Policy;
using McpGuard.Policy.Settings;

namespace McpGuard.Reload;

/// <summary>
/// The parts of a policy the guard reads once, when it starts (docs/policy.md#hot-reload): serve's block (where it
/// listens, whom it admits, which origins, its sessions), the telemetry block and the counter store. A reload swaps
/// in everything else; a change to one of these is named, so nobody believes a new token file or origin list took
/// effect while the running guard still admits by the one it started with.
/// </summary>
internal static class StartupOnlySettings
{
    /// <summary>The names of the startup-only settings that differ between two versions of the policy.</summary>
    /// <param name="serving">Whether this guard is <c>serve</c>: only it reads the serve block.</param>
    public static List<string> Changed(CompiledPolicy from, CompiledPolicy to, bool serving)
    {
        var changed = new List<string>();
        if (serving && !SameServe(from.Serve, to.Serve))
        {
            changed.Add("serve block");
        }

        if (from.Telemetry != to.Telemetry)
        {
            changed.Add("telemetry block");
        }

        if (from.State.Store != to.State.Store || from.State.Path != to.State.Path || from.State.Url != to.State.Url)
        {
            changed.Add("state store");
        }

        return changed;
    }

    private static bool SameServe(ServeSettings a, ServeSettings b) =>
        a.Listen == b.Listen && a.Path == b.Path && a.PublicUrl == b.PublicUrl && a.Tls == b.Tls
        && a.AllowedOrigins.SequenceEqual(b.AllowedOrigins, StringComparer.Ordinal)
        && SameAuth(a.Auth, b.Auth) && a.MaxSessions == b.MaxSessions && a.SessionIdle == b.SessionIdle;

    private static bool SameAuth(ServeAuth? a, ServeAuth? b) => (a, b) switch
    {
        (ServeAuth.OAuth x, ServeAuth.OAuth y) => x.Issuer == y.Issuer && x.Audience == y.Audience
            && x.AgentClaim == y.AgentClaim && x.Scopes.SequenceEqual(y.Scopes, StringComparer.Ordinal),
        _ => Equals(a, b),
    };
}
