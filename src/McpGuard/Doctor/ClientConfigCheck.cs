using McpGuard.ClientConfig;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Stdio;

namespace McpGuard.Doctor;

/// <summary>
/// Each client config doctor finds: which entries run behind mcpguard, with which policy, and whether that
/// policy loads, the guard executable exists and the server's command can be found: the usual causes of
/// "Server disconnected" right after a client starts.
/// </summary>
internal sealed class ClientConfigCheck(
    GuardInvocation guard,
    Func<string, PolicyLoadResult> loadPolicy,
    string? path,
    IReadOnlyList<RunningGuard>? running = null)
{
    private readonly Dictionary<string, PolicyLoadResult> _policies = new(StringComparer.Ordinal);

    /// <summary>Every policy a wrapped entry names that loaded, for the store check.</summary>
    public IEnumerable<(string Path, CompiledPolicy Policy)> ValidPolicies =>
        _policies.Where(p => p.Value.Succeeded).Select(p => (p.Key, p.Value.Policy!));

    public IEnumerable<DoctorFinding> Check(string client, string configPath)
    {
        if (!File.Exists(configPath))
        {
            yield return new DoctorFinding(DoctorLevel.Note, client, $"no {configPath}");
            yield break;
        }

        if (!ClientConfigDocument.TryParse(File.ReadAllText(configPath), out var document, out var problem))
        {
            yield return new DoctorFinding(
                DoctorLevel.Problem, client, $"{configPath} {problem}: the client cannot read it either");
            yield break;
        }

        var count = document.Names.Count();
        yield return new DoctorFinding(
            DoctorLevel.Ok, client, $"{configPath} ({count} {(count == 1 ? "server" : "servers")})");
        foreach (var group in document.Groups)
        {
            foreach (var (name, node) in group.Servers)
            {
                yield return Entry(group.Label(name), name, ServerEntries.Inspect(node, guard), configPath);
            }
        }
    }

    private DoctorFinding Entry(string label, string name, ServerEntryState state, string configPath) => state switch
    {
        ServerEntryState.Wrapped wrapped => Wrapped(label, wrapped),
        ServerEntryState.Unwrapped { Remote: true } remote when GatewayAt(remote.Command) is { } gateway =>
            new DoctorFinding(
                DoctorLevel.Ok,
                label,
                $"the endpoint of mcpguard serve (pid {gateway.Pid}, policy {gateway.Policy ?? "?"}), guarded there",
                1),
        ServerEntryState.Unwrapped => new DoctorFinding(
            DoctorLevel.Note,
            label,
            $"not behind mcpguard (mcpguard wrap --config {configPath} --server {name} --policy FILE)",
            1),
        ServerEntryState.NotLocal notLocal => new DoctorFinding(
            DoctorLevel.Note, label, $"skipped: {notLocal.Reason}", 1),
        _ => throw new InvalidOperationException("unknown entry state"),
    };

    /// <summary>
    /// The running serve an HTTP entry dials, if any: a loopback URL on a port a serve of this home listens on. Such an
    /// entry is what docs/serve.md has a client add (`claude mcp add --transport http`); wrapping it would put a
    /// second guard, with its own counts, in front of the first.
    /// </summary>
    private RunningGuard? GatewayAt(string url)
    {
        if (running is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || !uri.IsLoopback)
        {
            return null;
        }

        return running.FirstOrDefault(g => g.Command == "serve" && g.Ports.Contains(uri.Port));
    }

    private DoctorFinding Wrapped(string name, ServerEntryState.Wrapped wrapped)
    {
        if (!CommandLookup.IsFound(wrapped.Guard, path))
        {
            return new DoctorFinding(
                DoctorLevel.Problem,
                name,
                $"the guard {wrapped.Guard} does not exist: install (./install.sh), then unwrap and wrap again",
                1);
        }

        if (wrapped.Policy is null)
        {
            return new DoctorFinding(
                DoctorLevel.Problem, name, "wrapped without --policy: the guard refuses to start", 1);
        }

        if (!_policies.TryGetValue(wrapped.Policy, out var loaded))
        {
            loaded = _policies[wrapped.Policy] = loadPolicy(wrapped.Policy);
        }

        if (!loaded.Succeeded)
        {
            var first = loaded.Errors.Count > 0 ? loaded.Errors[0].ToString() : "cannot be loaded";
            var more = loaded.Errors.Count > 1 ? $" (and {loaded.Errors.Count - 1} more)" : "";
            return new DoctorFinding(
                DoctorLevel.Problem,
                name,
                $"policy invalid, the guard exits at every start: {first}{more}; "
                    + $"see: mcpguard check --policy {wrapped.Policy}",
                1);
        }

        if (!wrapped.Remote && !CommandLookup.IsFound(wrapped.ServerCommand, path))
        {
            return new DoctorFinding(
                DoctorLevel.Problem,
                name,
                $"wrapped with policy {wrapped.Policy}, but its server command '{wrapped.ServerCommand}' "
                    + (IsPath(wrapped.ServerCommand) ? "does not exist" : "is not found on PATH"),
                1);
        }

        return new DoctorFinding(DoctorLevel.Ok, name, $"wrapped, policy {wrapped.Policy} (valid)", 1);
    }

    private static bool IsPath(string command) =>
        Path.IsPathRooted(command) || command.Contains('/', StringComparison.Ordinal);
}
