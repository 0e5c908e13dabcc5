using Mono.Cecil;
using Mono.Cecil.Cil;

namespace McpGuard.Tests.Architecture;

/// <summary>
/// Which top-level namespace of an assembly uses which: read from the IL, so a type named only inside a method body
/// counts as much as one in a signature. "Top-level" is the folder under the project (McpGuard.Session.Gate counts as
/// McpGuard.Session): folders are the unit the layering rules in docs/architecture.md speak of.
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly Dictionary<string, HashSet<string>> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), string> _witness = [];

    private NamespaceGraph(string rootNamespace) => RootNamespace = rootNamespace;

    public string RootNamespace { get; }

    public IReadOnlyDictionary<string, HashSet<string>> Edges => _edges;

    /// <summary>One type that makes the edge, so a failing test can say where to look.</summary>
    public string Witness(string from, string to) => _witness.GetValueOrDefault((from, to), "?");

    public static NamespaceGraph Read(string assemblyPath, string rootNamespace)
    {
        var graph = new NamespaceGraph(rootNamespace);
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        foreach (var type in module.GetTypes())
        {
            var from = graph.TopLevel(type);
            if (from is null)
                continue;
            foreach (var used in UsedTypes(type))
                graph.Add(from, used, type);
        }
        return graph;
    }

    private void Add(string from, TypeReference used, TypeDefinition user)
    {
        var to = TopLevel(used);
        if (to is null || to == from)
            return;
        if (!_edges.TryGetValue(from, out var targets))
            _edges[from] = targets = new HashSet<string>(StringComparer.Ordinal);
        if (targets.Add(to))
            _witness[(from, to)] = $"{user.FullName} uses {used.FullName}";
    }

    private string? TopLevel(TypeReference type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        var ns = type.Namespace;
        if (!ns.StartsWith(RootNamespace + ".", StringComparison.Ordinal))
            return null;
        var rest = ns[(RootNamespace.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null)
            foreach (var t in Expand(type.BaseType)) yield return t;
        foreach (var i in type.Interfaces)
            foreach (var t in Expand(i.InterfaceType)) yield return t;
        foreach (var field in type.Fields)
            foreach (var t in Expand(field.FieldType)) yield return t;
        foreach (var property in type.Properties)
            foreach (var t in Expand(property.PropertyType)) yield return t;
        foreach (var method in type.Methods)
            foreach (var t in UsedBy(method)) yield return t;
    }

    private static IEnumerable<TypeReference> UsedBy(MethodDefinition method)
    {
        foreach (var t in Expand(method.ReturnType)) yield return t;
        foreach (var p in method.Parameters)
            foreach (var t in Expand(p.ParameterType)) yield return t;
        if (!method.HasBody)
            yield break;
        foreach (var local in method.Body.Variables)
            foreach (var t in Expand(local.VariableType)) yield return t;
        foreach (var instruction in method.Body.Instructions)
            foreach (var t in Operand(instruction)) yield return t;
    }

    private static IEnumerable<TypeReference> Operand(Instruction instruction) => instruction.Operand switch
    {
        TypeReference t => Expand(t),
        MethodReference m => Expand(m.DeclaringType).Concat(Expand(m.ReturnType))
            .Concat(m.Parameters.SelectMany(p => Expand(p.ParameterType)))
            .Concat(m is GenericInstanceMethod g ? g.GenericArguments.SelectMany(Expand) : []),
        FieldReference f => Expand(f.DeclaringType).Concat(Expand(f.FieldType)),
        _ => [],
    };

    /// <summary>
    /// A type and what it is built from: array elements, generic arguments, by-ref targets, a function pointer's
    /// return and parameter types.
    /// </summary>
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        switch (type)
        {
            case FunctionPointerType pointer:
                foreach (var t in Expand(pointer.ReturnType)) yield return t;
                foreach (var p in pointer.Parameters)
                    foreach (var t in Expand(p.ParameterType)) yield return t;
                break;
            case GenericInstanceType generic:
                yield return generic.ElementType;
                foreach (var argument in generic.GenericArguments)
                    foreach (var t in Expand(argument)) yield return t;
                break;
            case TypeSpecification specification:
                foreach (var t in Expand(specification.ElementType)) yield return t;
                break;
            case GenericParameter:
                break;
            default:
                yield return type;
                break;
        }
    }
}
