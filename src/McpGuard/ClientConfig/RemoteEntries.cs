using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// Wraps a client's remote entry (<c>url</c>, <c>type: http</c>) into a stdio entry that starts
/// <c>mcpguard run --url</c>, and back, in place (docs/wrap.md#remote-servers): <c>url</c> becomes <c>command</c> and
/// <c>args</c>, <c>type</c> becomes <c>stdio</c>, <c>headers</c> becomes <c>env</c>. A header's value moves into the
/// entry's <c>env</c>, where the client still expands its own references (<c>${input:…}</c>, <c>${env:…}</c>,
/// <c>${VAR}</c>), and the guard reads it with <c>--header-env</c>: a secret never lands in the arguments, which
/// every local user can read. A URL with a query (where services put keys) goes to <c>env</c> too, read with
/// <c>--url-env</c>. Everything unwrap needs is in the wrapped entry's args and env.
/// </summary>
internal static class RemoteEntries
{
    /// <summary>The <c>type</c> values that mean Streamable HTTP, the transport <c>run --url</c> speaks.</summary>
    public static IReadOnlyList<string> StreamableTypes { get; } = ["http", "streamable-http", "streamableHttp"];

    /// <summary>The variable of the wrapped entry's <c>env</c> that holds a URL with a query.</summary>
    public const string UrlVariable = "MCPGUARD_URL";

    /// <summary>An entry the client reaches by URL: a <c>url</c> and no <c>command</c>.</summary>
    public static bool IsRemote(JsonObject entry) => entry.ContainsKey("url") && !entry.ContainsKey("command");

    public static ServerChange Wrap(string name, JsonObject entry, GuardInvocation guard, string policyPath)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(guard);
        var read = RemoteEntryShape.Read(entry);
        if (read is not RemoteEntryShape.Wrappable shape)
        {
            return new ServerChange(name, ServerChangeKind.Skipped, ((RemoteEntryShape.Unwrappable)read).Reason);
        }

        var hidesUrl = HasQuery(shape.Url);
        var args = new JsonArray(
            [
                .. guard.PrefixArguments.Select(a => JsonValue.Create(a)),
                "run", "--name", TerminalText.Printable(name), "--policy", policyPath,
                hidesUrl ? "--url-env" : "--url", hidesUrl ? UrlVariable : shape.Url,
            ]);
        if (shape.Type is { } type)
        {
            args.Add((JsonNode)JsonValue.Create("--transport"));
            args.Add((JsonNode)JsonValue.Create(type));
            entry["type"] = "stdio";
        }

        var env = new JsonObject();
        if (hidesUrl)
        {
            env[UrlVariable] = shape.Url;
        }

        foreach (var (header, value) in shape.Headers)
        {
            var variable = VariableFor(header, env);
            args.Add((JsonNode)JsonValue.Create("--header-env"));
            args.Add((JsonNode)JsonValue.Create($"{header}={variable}"));
            env[variable] = value.DeepClone();
        }

        var url = entry.IndexOf("url");
        entry.SetAt(url, "command", JsonValue.Create(guard.Command));
        entry.Insert(url + 1, "args", args);
        if (entry.ContainsKey("headers"))
        {
            entry.SetAt(entry.IndexOf("headers"), "env", env);
        }
        else if (hidesUrl)
        {
            entry.Insert(url + 2, "env", env);
        }

        var shown = Shown(shape.Url);
        var signIn = shape.Headers.Count > 0 ? ""
            : hidesUrl ? $"; if it needs a sign-in: mcpguard login --url with the url its env's {UrlVariable} holds"
            : $"; if it needs a sign-in: mcpguard login --url {shape.Url}";
        var hidden = hidesUrl ? $" (its url, which has a query, is in its env as {UrlVariable})" : "";
        return new ServerChange(
            name,
            ServerChangeKind.Wrapped,
            $"{shown} now runs behind mcpguard with policy {policyPath}{hidden}{signIn}");
    }

    /// <summary>
    /// A URL as reports show it: without its query, which may hold a key (<c>https://a.example/mcp?…</c>).
    /// </summary>
    public static string Shown(string url) =>
        HasQuery(url) ? new Uri(url).GetLeftPart(UriPartial.Path) + "?…" : url;

    private static bool HasQuery(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Query.Length > 1;

    /// <summary>
    /// Whether these args (of an mcpguard command) are what <see cref="Wrap"/> wrote: run, no <c>--</c>, a
    /// <c>--url</c>.
    /// </summary>
    public static bool IsWrapped(IReadOnlyList<string?> strings, int run) =>
        strings.Count > run && strings[run] == "run" && !strings.Contains("--")
            && (ValueOf(strings, run, "--url") is not null || ValueOf(strings, run, "--url-env") is not null);

    /// <summary>The URL of a wrapped entry: its <c>--url</c>, or what its env holds under <c>--url-env</c>.</summary>
    public static string? UrlOf(JsonObject entry, IReadOnlyList<string?> strings, int run) =>
        ValueOf(strings, run, "--url-env") is { } variable
            ? RemoteEntryShape.StringOf((entry["env"] as JsonObject)?[variable])
            : ValueOf(strings, run, "--url");

    public static ServerChange Unwrap(string name, JsonObject entry, IReadOnlyList<string?> strings, int run)
    {
        if (UrlOf(entry, strings, run) is not { } url)
        {
            return new ServerChange(
                name,
                ServerChangeKind.Skipped,
                "its --url-env names a variable its \"env\" does not hold as a string; restore it by hand");
        }

        var urlVariable = ValueOf(strings, run, "--url-env");
        var pairs = ValuesOf(strings, run, "--header-env")
            .Select(p => (Header: p[..Math.Max(p.IndexOf('='), 0)], Variable: p[(p.IndexOf('=') + 1)..]))
            .ToList();
        var env = entry["env"] as JsonObject;
        if (pairs.Count > 0 && env is null
            || pairs.Any(p => p.Header.Length == 0 || env?.ContainsKey(p.Variable) != true))
        {
            return new ServerChange(
                name,
                ServerChangeKind.Skipped,
                "its --header-env names a variable its \"env\" does not hold; restore it by hand");
        }

        if (env?.Select(pair => pair.Key)
                .FirstOrDefault(key => key != urlVariable && pairs.All(p => p.Variable != key)) is { } stray)
        {
            return new ServerChange(
                name,
                ServerChangeKind.Skipped,
                $"its \"env\" holds {stray}, which is no header wrap wrote; restore it by hand");
        }

        entry.SetAt(entry.IndexOf("command"), "url", JsonValue.Create(url));
        entry.Remove("args");
        if (ValueOf(strings, run, "--transport") is { } type && entry.ContainsKey("type"))
        {
            entry["type"] = type;
        }

        if (urlVariable is not null && pairs.Count == 0)
        {
            // wrap made this env for the url alone (an entry without headers).
            entry.Remove("env");
        }
        else if (env is not null)
        {
            var headers = new JsonObject();
            foreach (var (header, variable) in pairs)
            {
                headers[header] = env[variable]!.DeepClone();
            }

            entry.SetAt(entry.IndexOf("env"), "headers", headers);
        }

        return new ServerChange(name, ServerChangeKind.Unwrapped, $"{Shown(url)} is reached directly again");
    }

    /// <summary>
    /// <c>MCPGUARD_HEADER_</c> and the header's name in capitals (<c>X-Api-Key</c> → <c>MCPGUARD_HEADER_X_API_KEY</c>).
    /// </summary>
    private static string VariableFor(string header, JsonObject taken)
    {
        var stem = "MCPGUARD_HEADER_"
            + string.Concat(header.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_'));
        var variable = stem;
        for (var n = 2; taken.ContainsKey(variable); n++)
        {
            variable = $"{stem}_{n}";
        }

        return variable;
    }

    private static string? ValueOf(IReadOnlyList<string?> strings, int run, string option) =>
        ValuesOf(strings, run, option).LastOrDefault();

    private static IEnumerable<string> ValuesOf(IReadOnlyList<string?> strings, int run, string option)
    {
        for (var i = run + 1; i + 1 < strings.Count; i++)
        {
            if (strings[i] == option && strings[i + 1] is { } value)
            {
                yield return value;
                i++;
            }
        }
    }
}
