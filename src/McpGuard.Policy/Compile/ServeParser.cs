using System.Net;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// The <c>serve</c> block (docs/serve.md): read by <c>mcpguard serve</c> only, checked by every command.
/// </summary>
internal sealed class ServeParser(YamlWalker yaml)
{
    private static readonly string[] s_serveKeys =
        ["listen", "path", "public_url", "tls", "allowed_origins", "auth", "sessions"];

    public ServeSettings Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(
            node, "serve", s_serveKeys,
            "must be a mapping with listen, path, public_url, tls, allowed_origins, auth, sessions");
        if (keys is null)
        {
            return ServeSettings.Default;
        }

        var settings = ServeSettings.Default;
        if (keys.TryGetValue("listen", out var listen))
        {
            if (Scalar(listen) is { } text && IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0)
            {
                settings = settings with { Listen = text };
            }
            else
            {
                // A free port (0) is for a one-off run: clients configured from this file need a fixed one.
                yaml.Error(listen, "serve.listen", "must be ADDRESS:PORT with a port from 1 to 65535, such as "
                    + "127.0.0.1:8750 or [::]:8750 (for a free port, run serve with --listen 127.0.0.1:0)");
            }
        }

        if (keys.TryGetValue("path", out var path))
        {
            if (Scalar(path) is { Length: > 1 } text && IsPath(text))
            {
                if (IsGuardsOwnPath(text))
                {
                    yaml.Error(path, "serve.path", $"'{text}' is one of the gateway's own paths (/healthz, /readyz, "
                        + "/metrics, /.well-known/…); choose another, such as /mcp");
                }

                settings = settings with { Path = text };
            }
            else
            {
                yaml.Error(path, "serve.path",
                    "must be a path such as /mcp (a leading slash, no query, no trailing slash)");
            }
        }

        if (keys.TryGetValue("public_url", out var publicUrl))
        {
            if (Scalar(publicUrl) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri)
                && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0)
            {
                settings = settings with { PublicUrl = uri };
            }
            else
            {
                yaml.Error(publicUrl, "serve.public_url",
                    "must be an http(s) URL such as https://guard.example.com/mcp");
            }
        }

        if (keys.TryGetValue("tls", out var tls))
        {
            settings = settings with { Tls = ParseTls(tls) };
        }

        if (keys.TryGetValue("allowed_origins", out var origins))
        {
            var list = yaml.Strings(origins, "serve.allowed_origins");
            foreach (var bad in list.Where(o => SerializedOrigin(o) is null))
            {
                yaml.Error(origins, "serve.allowed_origins",
                    $"'{bad}' is not an origin such as https://claude.ai (scheme, host, port)");
            }

            settings = settings with { AllowedOrigins = [.. list.Select(o => SerializedOrigin(o) ?? o)] };
        }

        if (keys.TryGetValue("auth", out var auth))
        {
            settings = settings with { Auth = new ServeAuthParser(yaml).Parse(auth) };
        }

        if (keys.TryGetValue("sessions", out var sessions))
        {
            settings = ParseSessions(sessions, settings);
        }

        return settings;
    }

    private static bool IsPath(string text) =>
        text[0] == '/' && Uri.IsWellFormedUriString(text, UriKind.Relative)
        && !text.Contains('?', StringComparison.Ordinal) && !text.EndsWith('/');

    /// <summary>
    /// The probes, the Prometheus scrape (kept free whether or not telemetry turns it on now) and the RFC 9728
    /// metadata: the router matches paths case-insensitively, so an endpoint there would be answered by, or answer
    /// for, one of them (the probes skip the gateway's checks: such an endpoint answered every request 500).
    /// </summary>
    private static bool IsGuardsOwnPath(string text) =>
        text.Equals("/healthz", StringComparison.OrdinalIgnoreCase)
        || text.Equals("/readyz", StringComparison.OrdinalIgnoreCase)
        || text.Equals("/metrics", StringComparison.OrdinalIgnoreCase)
        || text.Equals("/.well-known", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("/.well-known/", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The origin as a browser sends it in <c>Origin</c> (RFC 6454 section 6.1: scheme and host in lower case, the
    /// port only when it is not the scheme's default), so <c>https://claude.ai:443</c> allows the page that sends
    /// <c>https://claude.ai</c>; null for what no browser sends: a path, a user, a query or a fragment.
    /// </summary>
    private static string? SerializedOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && !text.EndsWith('/')
            && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0
            && !text.Contains('#', StringComparison.Ordinal)
            ? uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)
            : null;

    private ServeTls? ParseTls(YamlNode node)
    {
        var keys = node is YamlMappingNode map ? yaml.Keys(map, "serve.tls", ["certificate", "key"]) : null;
        if (keys is not null
            && keys.TryGetValue("certificate", out var cert) && Scalar(cert) is { Length: > 0 } certificate
            && keys.TryGetValue("key", out var keyNode) && Scalar(keyNode) is { Length: > 0 } key)
        {
            return new ServeTls(certificate, key);
        }

        yaml.Error(node, "serve.tls", "must be { certificate: cert.pem, key: key.pem }");
        return null;
    }

    private ServeSettings ParseSessions(YamlNode node, ServeSettings settings)
    {
        var keys = yaml.MappingKeys(
            node, "serve.sessions", ["max", "idle"], "must be a mapping such as { max: 64, idle: 30m }");
        if (keys is null)
        {
            return settings;
        }

        if (keys.TryGetValue("max", out var max))
        {
            if (int.TryParse(Scalar(max), out var count) && count is > 0 and <= 100_000)
            {
                settings = settings with { MaxSessions = count };
            }
            else
            {
                yaml.Error(max, "serve.sessions.max", "must be a whole number from 1 to 100000");
            }
        }

        // At most a day, as approval.timeout: each idle session holds a child, and a client whose session ended
        // initializes again (404); the guard's timers cannot wait past ~49 days.
        if (keys.TryGetValue("idle", out var idle)
            && DurationValue.Read(
                yaml, idle, "serve.sessions.idle", "must be a duration from 1s to 24h, such as 30m",
                atLeast: TimeSpan.FromSeconds(1), atMost: TimeSpan.FromDays(1)) is { } span)
        {
            settings = settings with { SessionIdle = span };
        }

        return settings;
    }
}
