using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// The <c>state</c> block (docs/limits.md): which store, where, the namespace, and what an unreachable store means.
/// </summary>
internal sealed class StateParser(YamlWalker yaml)
{
    private static readonly string[] s_stateKeys = ["store", "path", "url", "namespace", "on_unavailable", "timeout"];

    public StateSettings Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(
            node, "state", s_stateKeys,
            "must be a mapping with store (sqlite, redis, memory), path, url, namespace, on_unavailable, timeout");
        if (keys is null)
        {
            return StateSettings.Default;
        }

        var settings = StateSettings.Default;
        if (keys.TryGetValue("store", out var store))
        {
            switch (Scalar(store))
            {
                case "sqlite": break;
                case "redis": settings = settings with { Store = StateStoreKind.Redis }; break;
                case "memory": settings = settings with { Store = StateStoreKind.Memory }; break;
                default:
                    yaml.Error(store, "state.store", $"must be sqlite, redis or memory, not '{Scalar(store)}'");
                    break;
            }
        }

        settings = ParseWhere(keys, node, settings);
        if (keys.TryGetValue("namespace", out var ns))
        {
            if (Scalar(ns) is { Length: > 0 } name)
            {
                settings = settings with { Namespace = name };
            }
            else
            {
                yaml.Error(ns, "state.namespace", "must be a name such as bybit-main");
            }
        }

        if (keys.TryGetValue("on_unavailable", out var onUnavailable))
        {
            switch (Scalar(onUnavailable))
            {
                case "deny": break;
                case "allow": settings = settings with { OnUnavailable = UnavailableStoreAction.Allow }; break;
                default: yaml.Error(onUnavailable, "state.on_unavailable", "must be deny or allow"); break;
            }
        }

        if (keys.TryGetValue("timeout", out var timeout)
            && DurationValue.Read(
                yaml, timeout, "state.timeout", "must be a duration of at most 1m, such as 500ms or 2s",
                atMost: TimeSpan.FromMinutes(1)) is { } span)
        {
            settings = settings with { Timeout = span };
        }

        return settings;
    }

    /// <summary><c>path</c> (SQLite) and <c>url</c> (Redis): each only for its own store.</summary>
    private StateSettings ParseWhere(Dictionary<string, YamlNode> keys, YamlNode block, StateSettings settings)
    {
        if (keys.TryGetValue("path", out var path))
        {
            if (settings.Store != StateStoreKind.Sqlite)
            {
                yaml.Error(path, "state.path", "is the SQLite file: only for store: sqlite");
            }
            else if (Scalar(path) is { Length: > 0 } file)
            {
                settings = settings with { Path = file };
            }
            else
            {
                yaml.Error(path, "state.path", "must be a file path such as ~/.mcpguard/state.db");
            }
        }

        if (keys.TryGetValue("url", out var url))
        {
            if (settings.Store != StateStoreKind.Redis)
            {
                yaml.Error(url, "state.url", "is the Redis URL: only for store: redis");
            }
            else if (Scalar(url) is { } text && IsRedisUrl(text))
            {
                settings = settings with { Url = text };
            }
            else
            {
                yaml.Error(url, "state.url", "must be a URL such as redis://127.0.0.1:6379/0 (rediss:// for TLS)");
            }
        }
        else if (settings.Store == StateStoreKind.Redis)
        {
            yaml.Error(block, "state.url", "is required for store: redis (for example redis://127.0.0.1:6379/0)");
        }

        return settings;
    }

    private static bool IsRedisUrl(string text) =>
        (text.StartsWith("redis://", StringComparison.Ordinal)
            || text.StartsWith("rediss://", StringComparison.Ordinal))
        && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Host.Length > 0;
}
