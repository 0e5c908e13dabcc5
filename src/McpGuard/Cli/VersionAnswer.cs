using System.Reflection;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard --version</c> alone, answered before the commands are built (a fifth of its CPU went to building
/// them): the informational version, exactly what the parser prints for it.
/// </summary>
internal static class VersionAnswer
{
    public static bool TryAnswer(string[] args)
    {
        if (args is not ["--version"])
        {
            return false;
        }

        Console.Out.WriteLine(typeof(VersionAnswer).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?");
        return true;
    }
}
