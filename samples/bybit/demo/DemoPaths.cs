namespace McpGuard.BybitDemo;

/// <summary>
/// The built guard, the built simulator and the sample policy, found from the demo's own build folder.
/// </summary>
internal static class DemoPaths
{
    public static string Root { get; } = FindRoot();

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string GuardDll => Built("src/McpGuard", "mcpguard.dll");

    public static string SimulatorDll => Built("samples/bybit/simulator", "McpGuard.BybitSimulator.dll");

    public static string Policy => Path.Combine(Root, "samples/bybit/policy.yaml");

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{file} is not built; run: dotnet build {project}", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the demo from the McpGuard repository.");
    }
}
