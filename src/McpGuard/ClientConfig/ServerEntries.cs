using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// Wraps and unwraps <c>mcpServers</c> entries in place: only <c>command</c> and <c>args</c> change, every other
/// field and the key order stay. The original command line is kept after <c>--</c> in the wrapped args, which is
/// all unwrap needs; an entry that had no <c>args</c> gets none back (a <c>"type": "stdio"</c> one an empty list).
/// </summary>
internal static class ServerEntries
{
    public static IReadOnlyList<ServerChange> Wrap(
        JsonObject servers, IReadOnlyCollection<string> selected, GuardInvocation guard, string policyPath)
    {
        ArgumentNullException.ThrowIfNull(guard);
        return Apply(servers, selected, (name, entry, command, args) =>
        {
            var remote = FindRun(command, args, guard) is { } run && RemoteEntries.IsWrapped(Strings(args), run);
            if (remote || TryFindWrapped(command, args, guard, out _))
            {
                var policy = PolicyOf(args);
                var detail = policy is null ? "already behind mcpguard"
                    : policy == policyPath ? $"already behind mcpguard with policy {policy}"
                    : $"already behind mcpguard with another policy ({policy}); to change it, unwrap first";
                return new ServerChange(name, ServerChangeKind.AlreadyWrapped, detail);
            }

            // --name: the desk and the audit log label the server by its entry in the config, as the client does.
            // The key is the config's text: control and bidi characters go in as \uXXXX, never raw.
            var wrapped = new JsonArray(
                [
                    .. guard.PrefixArguments.Select(a => JsonValue.Create(a)),
                    "run", "--name", TerminalText.Printable(name), "--policy", policyPath, "--", command,
                ]);
            foreach (var arg in args)
            {
                wrapped.Add(arg.DeepClone());
            }

            entry["command"] = guard.Command;
            if (entry.ContainsKey("args"))
            {
                entry["args"] = wrapped;
            }
            else
            {
                entry.Insert(entry.IndexOf("command") + 1, "args", wrapped);
            }

            return new ServerChange(
                name, ServerChangeKind.Wrapped, $"{command} now runs behind mcpguard with policy {policyPath}")
            {
                Command = command,
            };
        }, (name, entry) => RemoteEntries.Wrap(name, entry, guard, policyPath));
    }

    public static IReadOnlyList<ServerChange> Unwrap(
        JsonObject servers, IReadOnlyCollection<string> selected, GuardInvocation guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        return Apply(servers, selected, (name, entry, command, args) =>
        {
            if (FindRun(command, args, guard) is { } run && RemoteEntries.IsWrapped(Strings(args), run))
            {
                return RemoteEntries.Unwrap(name, entry, Strings(args), run);
            }

            if (!TryFindWrapped(command, args, guard, out var separator))
            {
                return new ServerChange(name, ServerChangeKind.NotWrapped, "not behind mcpguard");
            }

            if (separator + 1 >= args.Count
                || args[separator + 1] is not JsonValue original
                || original.GetValueKind() != JsonValueKind.String)
            {
                return new ServerChange(name, ServerChangeKind.Skipped, "wrapped args have no command after \"--\"");
            }

            var originalCommand = original.GetValue<string>();
            entry["command"] = originalCommand;
            var rest = args.Skip(separator + 2).Select(a => a.DeepClone()).ToArray();
            if (rest.Length == 0 && !IsTypedStdio(entry))
            {
                entry.Remove("args");
            }
            else
            {
                entry["args"] = new JsonArray(rest);
            }

            return new ServerChange(name, ServerChangeKind.Unwrapped, $"{originalCommand} runs directly again");
        }, (name, _) => new ServerChange(name, ServerChangeKind.NotWrapped, "not behind mcpguard (a remote server)"));
    }

    /// <summary>
    /// An entry that says <c>"type": "stdio"</c>: Claude Code writes every stdio entry so, with <c>"args": []</c> when
    /// there are none, and VS Code's are alike; unwrap gives such an entry an empty <c>args</c> back.
    /// </summary>
    private static bool IsTypedStdio(JsonObject entry) =>
        entry["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String
        && type.GetValue<string>() == "stdio";

    /// <summary>
    /// What an entry is, for <c>mcpguard doctor</c>: wrapped (with its policy and server command), or why not.
    /// </summary>
    public static ServerEntryState Inspect(JsonNode? node, GuardInvocation guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        if (node is JsonObject remote && RemoteEntries.IsRemote(remote))
        {
            return RemoteEntryShape.Read(remote) is RemoteEntryShape.Unwrappable why
                ? new ServerEntryState.NotLocal(why.Reason)
                : new ServerEntryState.Unwrapped(remote["url"]!.GetValue<string>()) { Remote = true };
        }

        if (!TryReadCommand(node, out _, out var command, out var args, out var problem))
        {
            return new ServerEntryState.NotLocal(problem);
        }

        if (FindRun(command, args, guard) is { } run && RemoteEntries.IsWrapped(Strings(args), run))
        {
            var url = RemoteEntries.UrlOf((JsonObject)node!, Strings(args), run) ?? "";
            return new ServerEntryState.Wrapped(command, PolicyOf(args), RemoteEntries.Shown(url)) { Remote = true };
        }

        if (!TryFindWrapped(command, args, guard, out var separator))
        {
            return new ServerEntryState.Unwrapped(command);
        }

        var original = separator + 1 < args.Count ? args[separator + 1].ToString() : "";
        return new ServerEntryState.Wrapped(command, PolicyOf(args), original);
    }

    private static List<ServerChange> Apply(
        JsonObject servers,
        IReadOnlyCollection<string> selected,
        Func<string, JsonObject, string, IReadOnlyList<JsonNode>, ServerChange> change,
        Func<string, JsonObject, ServerChange> remote)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var entries = servers.Where(pair => selected.Count == 0 || selected.Contains(pair.Key)).ToList();
        return entries.Select(pair => pair.Value is JsonObject url && RemoteEntries.IsRemote(url)
            ? remote(pair.Key, url)
            : TryReadCommand(pair.Value, out var entry, out var command, out var args, out var problem)
            ? change(pair.Key, entry, command, args)
            : new ServerChange(pair.Key, ServerChangeKind.Skipped, problem)).ToList();
    }

    private static bool TryReadCommand(
        JsonNode? node, out JsonObject entry, out string command, out IReadOnlyList<JsonNode> args, out string problem)
    {
        entry = node as JsonObject ?? [];
        command = "";
        args = [];
        problem = "";
        if (node is not JsonObject)
        {
            problem = "not an object";
            return false;
        }

        if (entry["command"] is not JsonValue commandValue || commandValue.GetValueKind() != JsonValueKind.String)
        {
            problem = entry.ContainsKey("serverUrl") || entry.ContainsKey("httpUrl")
                ? "a remote server named by \"serverUrl\" or \"httpUrl\", which wrap does not rewrite; "
                    + "write its entry by hand (docs/remote.md)"
                : "no \"command\" (not a stdio server)";
            return false;
        }

        command = commandValue.GetValue<string>();
        if (string.IsNullOrWhiteSpace(command))
        {
            return Fail("\"command\" is empty", out problem);
        }

        if (entry["args"] is null)
        {
            return !entry.ContainsKey("args") || Fail("\"args\" is null", out problem);
        }

        if (entry["args"] is not JsonArray array || array.Any(a => a is null))
        {
            return Fail("\"args\" is not a list of values", out problem);
        }

        args = array.Select(a => a!).ToList();
        return true;
    }

    private static bool Fail(string message, out string problem)
    {
        problem = message;
        return false;
    }

    /// <summary>
    /// Finds the <c>--</c> of an entry that already starts mcpguard run (any of the forms wrap writes).
    /// </summary>
    private static bool TryFindWrapped(
        string command, IReadOnlyList<JsonNode> args, GuardInvocation guard, out int separator)
    {
        separator = FindRun(command, args, guard) is { } run ? Strings(args).IndexOf("--", run + 1) : -1;
        return separator > 0;
    }

    /// <summary>Where <c>run</c> stands in the args when the command starts mcpguard (null when it does not).</summary>
    private static int? FindRun(string command, IReadOnlyList<JsonNode> args, GuardInvocation guard)
    {
        var strings = Strings(args);
        int run;
        // The dotnet form first: when wrap itself runs as `dotnet mcpguard.dll`, guard.Command is that dotnet too.
        if (GuardInvocation.IsDotnetHost(command) && strings.Count > 0 && strings[0] is { } dll
            && GuardInvocation.IsGuardAssembly(dll))
        {
            run = 1;
        }
        else if (GuardInvocation.IsGuardExecutable(command)
            || string.Equals(command, guard.Command, StringComparison.Ordinal))
        {
            run = 0;
        }
        else
        {
            return null;
        }

        return strings.Count > run && strings[run] == "run" ? run : null;
    }

    private static List<string?> Strings(IReadOnlyList<JsonNode> args) =>
        args.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null)
            .ToList();

    /// <summary>The <c>--policy</c> of a wrapped entry's guard options (before its <c>--</c>, if any).</summary>
    private static string? PolicyOf(IReadOnlyList<JsonNode> args)
    {
        var separator = Strings(args).IndexOf("--") is var found and >= 0 ? found : args.Count;
        for (var i = 0; i + 1 < separator; i++)
        {
            if (args[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && v.GetValue<string>() is "--policy" or "-p")
            {
                return args[i + 1].ToString();
            }
        }

        return null;
    }
}
