using Mono.Cecil;

namespace McpGuard.Tests.Architecture;

/// <summary>
/// The layers are assemblies (docs/architecture.md "The layers"): the policy knows no other McpGuard assembly, the
/// session core knows the policy but neither the transports nor the tool, the transports know the core but neither
/// the policy nor the tool. The project references make the compiler refuse anything else; this reads the built
/// assemblies, so a reference added to a project file later (and used) fails here, naming it.
/// </summary>
public sealed class AssemblyLayerTests
{
    private static readonly string[] s_ours =
        ["McpGuard.Policy", "McpGuard.Session", "McpGuard.Transports", "mcpguard"];

    public static TheoryData<string, string[]> Forbidden => new()
    {
        { "McpGuard.Policy", ["McpGuard.Session", "McpGuard.Transports", "mcpguard"] },
        { "McpGuard.Session", ["McpGuard.Transports", "mcpguard"] },
        { "McpGuard.Transports", ["McpGuard.Policy", "mcpguard"] },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void A_layer_does_not_reference_the_layers_above_it(string assembly, string[] above)
    {
        var references = References(assembly);

        Assert.Empty(references.Intersect(above, StringComparer.Ordinal));
    }

    [Fact]
    public void The_session_core_does_not_reference_the_web_stack()
    {
        // The desk's page (Kestrel, minimal APIs) is the tool's; the core only shares the desk's files.
        var web = References("McpGuard.Session")
            .Where(r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));

        Assert.Empty(web);
    }

    [Fact]
    public void The_reader_sees_references_between_our_assemblies()
    {
        // If this failed, the test above would pass on any tangle: the tool references all three below it.
        var ours = References("mcpguard").Intersect(s_ours, StringComparer.Ordinal).Order(StringComparer.Ordinal);

        Assert.Equal(s_ours[..3], ours);
    }

    private static List<string> References(string assembly)
    {
        var file = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        using var module = ModuleDefinition.ReadModule(file);
        return [.. module.AssemblyReferences.Select(r => r.Name)];
    }
}
