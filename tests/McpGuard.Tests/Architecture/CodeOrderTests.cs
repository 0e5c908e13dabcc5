using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace McpGuard.Tests.Architecture;

/// <summary>
/// The native build's method order (src/McpGuard/hot-code-order.txt, the csproj's IlcOrderFile): the AOT compiler
/// lays the methods it names out first. A name it does not find is skipped in silence, so a file gone stale (types
/// renamed or moved since it was made) only loses speed; this catches that for the guard's own methods, so that the
/// file is made again (bench/code-order.py) in the change that made it stale.
/// </summary>
public sealed partial class CodeOrderTests
{
    /// <summary>The share of the file's names of the guard's own methods whose type the guard still has.</summary>
    private const double MinKnown = 0.9;

    [Fact]
    public void The_native_build_orders_its_methods_by_the_file()
    {
        var root = RepositoryRoot();
        var project = File.ReadAllText(Path.Combine(root, "src", "McpGuard", "McpGuard.csproj"));
        Assert.Contains("<IlcOrderFile>$(MSBuildThisFileDirectory)hot-code-order.txt</IlcOrderFile>", project);

        var names = File.ReadAllLines(Path.Combine(root, "src", "McpGuard", "hot-code-order.txt"));
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches(@"^\S+$", name));
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_files_guard_methods_name_types_the_guard_has()
    {
        var root = RepositoryRoot();
        var types = GuardTypes();
        var owned = File.ReadLines(Path.Combine(root, "src", "McpGuard", "hot-code-order.txt"))
            .Select(name => OwnedType().Match(name))
            .Where(match => match.Success)
            .Select(match => "McpGuard_" + match.Groups["path"].Value)
            .ToList();
        var unknown = owned.Where(path => !types.Contains(path)).Distinct().ToList();

        Assert.True(owned.Count > 100, $"only {owned.Count} of the file's names are the guard's own");
        Assert.True(
            owned.Count(types.Contains) >= MinKnown * owned.Count,
            $"{owned.Count - owned.Count(types.Contains)} of {owned.Count} names of the guard's methods name no type it"
                + " has; make the file again (bench/code-order.py): " + string.Join(", ", unknown.Take(20)));
    }

    /// <summary>
    /// A method of the guard's own code as the AOT compiler mangles it: the assembly's name, then the type's
    /// namespace and name with '_' for '.', then <c>__</c> and the method
    /// (<c>mcpguard_McpGuard_Http_McpEndpoint__PostAsync</c>).
    /// </summary>
    [GeneratedRegex(@"^(?:mcpguard|McpGuard(?:_[A-Za-z]+)*?)_McpGuard_(?<path>[A-Za-z0-9_]+?)(?:__|<|$)")]
    private static partial Regex OwnedType();

    /// <summary>Every type of the guard's assemblies (in the test's folder), mangled as the compiler does.</summary>
    private static HashSet<string> GuardTypes()
    {
        var folder = AppContext.BaseDirectory;
        var assemblies = Directory.EnumerateFiles(folder, "*.dll")
            .Where(path => Path.GetFileName(path) is var file
                && (file.Equals("mcpguard.dll", StringComparison.Ordinal)
                    || (file.StartsWith("McpGuard.", StringComparison.Ordinal)
                        && !file.StartsWith("McpGuard.Tests", StringComparison.Ordinal))))
            .Select(AssemblyLoadContext.Default.LoadFromAssemblyPath);
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assembly in assemblies)
        {
            foreach (var type in LoadableTypes(assembly).Where(type => !type.IsNested && type.FullName is not null))
            {
                types.Add(type.FullName!.Replace('.', '_').Replace('`', '_'));
            }
        }

        return types;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no McpGuard.sln above {AppContext.BaseDirectory}");
    }
}
