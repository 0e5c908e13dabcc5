namespace McpGuard.Policy.Risk;

/// <summary>
/// A vendor's risk classes for its server's tools, by exact name: data shipped with the guard
/// (<c>Catalogues/*.json</c>), applied only to that server, never to every server's tools.
/// </summary>
internal sealed record RiskCatalogue(
    string Name, IReadOnlyList<string> ServerNames, IReadOnlyDictionary<string, RiskClass> Classes)
{
    /// <summary>Whether a server's self-reported name (<c>serverInfo.name</c>) is one this catalogue is for.</summary>
    public bool IsFor(string? serverName) =>
        serverName is not null && ServerNames.Contains(serverName, StringComparer.OrdinalIgnoreCase);
}
