using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace McpGuard.Policy.Risk;

/// <summary>
/// The catalogues embedded in this assembly, read once with <see cref="JsonDocument"/> (no reflection, so the
/// build stays trim and AOT clean). Today there is one: <c>bybit</c>.
/// </summary>
internal static class RiskCatalogues
{
    private static readonly Lazy<IReadOnlyList<RiskCatalogue>> s_all = new(() => [Read("bybit")]);

    public static IReadOnlyList<RiskCatalogue> All => s_all.Value;

    public static RiskCatalogue Bybit => All[0];

    public static bool TryFind(string name, [NotNullWhen(true)] out RiskCatalogue? catalogue)
    {
        catalogue = All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        return catalogue is not null;
    }

    /// <summary>The catalogue for a server by its self-reported name, or null.</summary>
    public static RiskCatalogue? ForServer(string? serverName) => All.FirstOrDefault(c => c.IsFor(serverName));

    private static RiskCatalogue Read(string name)
    {
        var resource = $"McpGuard.Policy.Catalogues.{name}.json";
        using var stream = typeof(RiskCatalogues).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException(
                $"The built-in risk catalogue '{name}' is missing from the assembly.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var classes = new Dictionary<string, RiskClass>(StringComparer.Ordinal);
        foreach (var tool in root.GetProperty("tools").EnumerateObject())
        {
            classes[tool.Name] = RiskClassWords.Parse(tool.Value.GetProperty("risk").GetString()!)
                ?? throw new InvalidOperationException(
                    $"The risk catalogue '{name}' gives {tool.Name} an unknown class.");
        }

        return new RiskCatalogue(
            root.GetProperty("name").GetString()!,
            [.. root.GetProperty("serverNames").EnumerateArray().Select(n => n.GetString()!)],
            classes);
    }
}
