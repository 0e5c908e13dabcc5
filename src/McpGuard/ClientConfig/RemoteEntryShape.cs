using System.Text.Json;
using System.Text.Json.Nodes;
using McpGuard.Http.Upstream;

namespace McpGuard.ClientConfig;

/// <summary>
/// A remote entry read for wrapping: what <c>run --url</c> needs from it, or why wrap leaves it alone
/// (docs/wrap.md#remote-servers lists the reasons).
/// </summary>
internal abstract record RemoteEntryShape
{
    private RemoteEntryShape()
    {
    }

    /// <summary>The url, the <c>type</c> as written (null when absent) and the headers in order.</summary>
    public sealed record Wrappable(string Url, string? Type, IReadOnlyList<(string Name, JsonNode Value)> Headers)
        : RemoteEntryShape;

    public sealed record Unwrappable(string Reason) : RemoteEntryShape;

    public static RemoteEntryShape Read(JsonObject entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (StringOf(entry["url"]) is not { } url)
        {
            return new Unwrappable("its \"url\" is not a string");
        }

        // Cursor and Claude Code expand ${…} in a url, which would put the variable's value in the guard's arguments.
        if (url.Contains("${", StringComparison.Ordinal))
        {
            return new Unwrappable("its url holds a variable (${…}), which would land in the guard's arguments, "
                + "readable by every local user; write its entry by hand (docs/remote.md)");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || uri.UserInfo.Length > 0 || uri.Scheme == "http" && !uri.IsLoopback)
        {
            return new Unwrappable(
                "its url is not one run --url takes (https, or http to a loopback address, no user info)");
        }

        if (UrlPort.IsEmpty(url))
        {
            return new Unwrappable("its url has a ':' after its host but no port, which run --url refuses; "
                + "give the port, or leave out the ':'");
        }

        string? type = null;
        if (entry.ContainsKey("type"))
        {
            type = StringOf(entry["type"]);
            if (type == "sse")
            {
                return new Unwrappable(
                    "an SSE server (the old HTTP+SSE transport); run --url speaks Streamable HTTP only");
            }

            if (type is null || !RemoteEntries.StreamableTypes.Contains(type))
            {
                return new Unwrappable("its \"type\" is none of http, streamable-http, streamableHttp");
            }
        }

        if (entry.ContainsKey("env") || entry.ContainsKey("args"))
        {
            return new Unwrappable(
                "it has \"env\" or \"args\" beside its url, which the wrapped entry needs for itself");
        }

        var headers = new List<(string, JsonNode)>();
        if (entry.ContainsKey("headers"))
        {
            if (entry["headers"] is not JsonObject given)
            {
                return new Unwrappable("its \"headers\" is not an object");
            }

            foreach (var (name, value) in given)
            {
                // A client expands its references in a value, but never removes a character written around them.
                if (StringOf(value) is not { } text || HeaderOption.NameProblem("header", name) is not null
                    || !HeaderOption.IsSendableValue(text))
                {
                    return new Unwrappable("a header the guard cannot send (not a string, not a valid name, "
                        + "one the guard sets itself, or a value with a line break, NUL or non-ASCII character)");
                }

                headers.Add((name, value!));
            }
        }

        return new Wrappable(url, type, headers);
    }

    /// <summary>The node's text when it is a JSON string, else null.</summary>
    internal static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
