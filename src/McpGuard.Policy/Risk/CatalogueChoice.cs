namespace McpGuard.Policy.Risk;

/// <summary>
/// How a policy picks the vendor risk catalogue (<c>risk.catalogue</c>): by the server's self-reported name
/// (the default), a named one whatever the server says, or none.
/// </summary>
internal abstract record CatalogueChoice
{
    private CatalogueChoice()
    {
    }

    /// <summary>The catalogue for a server with this self-reported name (null when it said none), or null.</summary>
    public abstract RiskCatalogue? For(string? serverName);

    /// <summary>No <c>risk.catalogue</c>: the catalogue whose server names include the server's own, if any.</summary>
    public sealed record ByServerName : CatalogueChoice
    {
        public static ByServerName Instance { get; } = new();

        public override RiskCatalogue? For(string? serverName) => RiskCatalogues.ForServer(serverName);
    }

    /// <summary><c>risk: { catalogue: none }</c>: names and annotations alone.</summary>
    public sealed record None : CatalogueChoice
    {
        public static None Instance { get; } = new();

        public override RiskCatalogue? For(string? serverName) => null;
    }

    /// <summary><c>risk: { catalogue: bybit }</c>: that catalogue, whatever the server calls itself.</summary>
    public sealed record Named(RiskCatalogue Catalogue) : CatalogueChoice
    {
        public override RiskCatalogue? For(string? serverName) => Catalogue;
    }
}
