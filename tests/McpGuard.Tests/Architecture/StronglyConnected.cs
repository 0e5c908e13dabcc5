namespace McpGuard.Tests.Architecture;

/// <summary>Tarjan's strongly connected components: every set of nodes that reach each other.</summary>
internal static class StronglyConnected
{
    public static IReadOnlyList<IReadOnlyList<string>> Components(IReadOnlyDictionary<string, HashSet<string>> edges)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in edges.GetValueOrDefault(node, []))
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }
            if (low[node] != index[node])
                return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            } while (member != node);
            component.Sort(StringComparer.Ordinal);
            components.Add(component);
        }

        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node))
                Visit(node);
        return components;
    }
}
