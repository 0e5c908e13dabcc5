using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace McpGuard.Http;

/// <summary>
/// The MCP headers of one request, read in one pass over its headers: <c>Mcp-Method</c> (<see cref="GatewayChecks"/>
/// caps listens by it), <c>Mcp-Session-Id</c> and <c>MCP-Protocol-Version</c> (<see cref="McpEndpoint"/>). Kestrel
/// knows none of them, so each lookup by name first compares the known headers of its length, ignoring case, then
/// hashes it ignoring case: three lookups cost ~3,500 instructions of a `serve --url` call (callgrind), the pass
/// about a third of that. The checks read them once and keep them on the request for the endpoint.
/// </summary>
internal sealed class McpHeaderValues
{
    public const string MethodHeader = "Mcp-Method";

    private McpHeaderValues()
    {
    }

    /// <summary>Every <c>Mcp-Method</c> value (none: absent), as <c>headers["Mcp-Method"]</c> gives them.</summary>
    public StringValues Method { get; private set; }

    /// <summary>Every <c>Mcp-Session-Id</c> value.</summary>
    public StringValues SessionIds { get; private set; }

    /// <summary>Every <c>MCP-Protocol-Version</c> value.</summary>
    public StringValues Revisions { get; private set; }

    /// <summary>The request's, as the checks kept them, else read now.</summary>
    public static McpHeaderValues Of(HttpContext context) =>
        context.Features.Get<McpHeaderValues>() ?? Read(context.Request.Headers);

    /// <summary>Reads them and keeps them on the request for <see cref="Of"/>.</summary>
    public static McpHeaderValues Keep(HttpContext context)
    {
        var values = Read(context.Request.Headers);
        context.Features.Set(values);
        return values;
    }

    /// <summary>
    /// One pass: a name is compared only when its length is one of theirs, and a header holds all its values under
    /// one name (repeated lines are one entry, names are unique ignoring case), as a lookup by name finds them.
    /// </summary>
    public static McpHeaderValues Read(IHeaderDictionary headers)
    {
        var values = new McpHeaderValues();
        foreach (var (name, value) in headers)
        {
            switch (name.Length)
            {
                case 10 when Named(name, MethodHeader):
                    values.Method = value;
                    break;
                case 14 when Named(name, McpEndpoint.SessionHeader):
                    values.SessionIds = value;
                    break;
                case 20 when Named(name, LegacyRevisions.Header):
                    values.Revisions = value;
                    break;
            }
        }

        return values;
    }

    /// <summary>
    /// A header name is its name in any case; the case clients write (the specification's) is found by an exact
    /// comparison first, about a fifth of the cost of one ignoring case (bench/README.md, issue 24).
    /// </summary>
    private static bool Named(string name, string header) =>
        string.Equals(name, header, StringComparison.Ordinal)
        || name.Equals(header, StringComparison.OrdinalIgnoreCase);
}
