using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Values;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

internal sealed partial class PolicyCompiler
{
    private static readonly string[] s_stateKeys = ["store", "path", "url", "namespace", "on_unavailable", "timeout"];

    /// <summary>
    /// The <c>state</c> block (docs/limits.md): which store, where, the namespace, and what an unreachable store means.
    /// </summary>
    private StateSettings ParseState(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "state", "must be a mapping with store (sqlite, redis, memory), path, url, namespace, on_unavailable, timeout");
            return StateSettings.Default;
        }

        var keys = Keys(map, "state", s_stateKeys);
        var settings = StateSettings.Default;
        if (keys.TryGetValue("store", out var store))
        {
            switch (Scalar(store))
            {
                case "sqlite": break;
                case "redis": settings = settings with { Store = StateStoreKind.Redis }; break;
                case "memory": settings = settings with { Store = StateStoreKind.Memory }; break;
                default: Error(store, "state.store", $"must be sqlite, redis or memory, not '{Scalar(store)}'"); break;
            }
        }

        if (keys.TryGetValue("path", out var path))
        {
            if (settings.Store != StateStoreKind.Sqlite)
            {
                Error(path, "state.path", "is the SQLite file: only for store: sqlite");
            }
            else if (Scalar(path) is { Length: > 0 } file)
            {
                settings = settings with { Path = file };
            }
            else
            {
                Error(path, "state.path", "must be a file path such as ~/.mcpguard/state.db");
            }
        }

        if (keys.TryGetValue("url", out var url))
        {
            if (settings.Store != StateStoreKind.Redis)
            {
                Error(url, "state.url", "is the Redis URL: only for store: redis");
            }
            else if (Scalar(url) is { } text && (text.StartsWith("redis://", StringComparison.Ordinal) || text.StartsWith("rediss://", StringComparison.Ordinal))
                && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
            {
                settings = settings with { Url = text };
            }
            else
            {
                Error(url, "state.url", "must be a URL such as redis://127.0.0.1:6379/0 (rediss:// for TLS)");
            }
        }
        else if (settings.Store == StateStoreKind.Redis)
        {
            Error(map, "state.url", "is required for store: redis (for example redis://127.0.0.1:6379/0)");
        }

        if (keys.TryGetValue("namespace", out var ns))
        {
            if (Scalar(ns) is { Length: > 0 } name)
            {
                settings = settings with { Namespace = name };
            }
            else
            {
                Error(ns, "state.namespace", "must be a name such as bybit-main");
            }
        }

        if (keys.TryGetValue("on_unavailable", out var onUnavailable))
        {
            switch (Scalar(onUnavailable))
            {
                case "deny": break;
                case "allow": settings = settings with { OnUnavailable = UnavailableStoreAction.Allow }; break;
                default: Error(onUnavailable, "state.on_unavailable", "must be deny or allow"); break;
            }
        }

        if (keys.TryGetValue("timeout", out var timeout))
        {
            if (Duration.TryParse(Scalar(timeout), out var span) && span <= TimeSpan.FromMinutes(1))
            {
                settings = settings with { Timeout = span };
            }
            else
            {
                Error(timeout, "state.timeout", "must be a duration of at most 1m, such as 500ms or 2s");
            }
        }

        return settings;
    }

    /// <summary>
    /// <c>per: symbol</c> or <c>per: [account, symbol]</c>: argument paths without <c>[*]</c>, one counter per
    /// combination of their values.
    /// </summary>
    private List<ArgumentPath> ParsePer(Dictionary<string, YamlNode> keys, string path)
    {
        var paths = new List<ArgumentPath>();
        if (!keys.TryGetValue("per", out var node))
        {
            return paths;
        }

        var texts = node is YamlSequenceNode ? ParseStrings(node, $"{path}.per") : [Scalar(node) ?? ""];
        if (texts.Count == 0 && node is YamlSequenceNode)
        {
            Error(node, $"{path}.per", "must name at least one argument");
        }

        foreach (var text in texts)
        {
            if (ArgumentPath.TryParse(text, out var argument) && argument!.IsSingle)
            {
                paths.Add(argument);
            }
            else
            {
                Error(node, $"{path}.per", $"must be argument paths such as symbol or order.account (no [*]), not '{text}'");
            }
        }

        return paths;
    }

    private CounterScope ParseScope(Dictionary<string, YamlNode> keys, string path)
    {
        if (!keys.TryGetValue("scope", out var node))
        {
            return CounterScope.Shared;
        }

        switch (Scalar(node))
        {
            case "shared": return CounterScope.Shared;
            case "session": return CounterScope.Session;
            case "agent": return CounterScope.Agent;
            default:
                Error(node, $"{path}.scope", "must be shared (the state store, the default), agent (one counter per agent) or session (this guard only, in memory)");
                return CounterScope.Shared;
        }
    }
}
