using System.Text.Json.Nodes;

namespace McpGuard.Inventory;

/// <summary>
/// A connection the probe opened, in the era the server took: its self-reported name (untrusted, may be absent),
/// and whether its requests carry the 2026-07-28 <c>_meta</c> envelope instead of an <c>initialize</c> behind them.
/// </summary>
internal sealed record ProbeSession(string? ServerName, bool IsModern)
{
    /// <summary>The params of a <c>tools/list</c> request for the page after <paramref name="cursor"/>.</summary>
    public JsonObject? ListParams(string? cursor)
    {
        if (cursor is null && !IsModern)
        {
            return null;
        }

        var parameters = new JsonObject();
        if (cursor is not null)
        {
            parameters["cursor"] = cursor;
        }

        if (IsModern)
        {
            parameters["_meta"] = ProbeHandshake.Envelope();
        }

        return parameters;
    }
}
