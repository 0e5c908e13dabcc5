namespace McpGuard.Tests.Architecture;

/// <summary>
/// Folders are layers: a folder may use another only if that one does not, directly or through others, use it back.
/// A cycle means two folders can no longer be read, tested or moved apart (docs/architecture.md).
/// </summary>
public sealed class NamespaceCycleTests
{
    public static TheoryData<string, string> Assemblies => new()
    {
        { "mcpguard.dll", "McpGuard" },
        { "McpGuard.Session.dll", "McpGuard" },
        { "McpGuard.Transports.dll", "McpGuard" },
        { "McpGuard.Policy.dll", "McpGuard.Policy" },
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_folder_uses_a_folder_that_uses_it_back(string assembly, string rootNamespace)
    {
        var graph = NamespaceGraph.Read(Path.Combine(AppContext.BaseDirectory, assembly), rootNamespace);

        var cycles = StronglyConnected.Components(graph.Edges).Where(c => c.Count > 1).ToList();

        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(c => Describe(graph, c))));
    }

    [Fact]
    public void The_graph_sees_uses_inside_method_bodies()
    {
        // The session core is driven by the stdio transport: if this edge were missing, the reader would be blind
        // to bodies and the cycle test above could pass on a tangled tree.
        var graph = NamespaceGraph.Read(Path.Combine(AppContext.BaseDirectory, "McpGuard.Transports.dll"), "McpGuard");

        Assert.Contains("Session", graph.Edges["Stdio"]);
    }

    private static string Describe(NamespaceGraph graph, IReadOnlyList<string> cycle)
    {
        var members = cycle.ToHashSet(StringComparer.Ordinal);
        var edges = from user in cycle
                    from used in graph.Edges.GetValueOrDefault(user, [])
                    where members.Contains(used)
                    select $"  {user} -> {used}: {graph.Witness(user, used)}";
        return $"cycle {string.Join(" <-> ", cycle)}\n{string.Join("\n", edges)}";
    }
}
