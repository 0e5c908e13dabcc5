using McpGuard.Cli;
using McpGuard.Policy;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Inventory;

/// <summary>Loading a policy and listing a server, with the errors a person sees, shared by tools, check and init.</summary>
internal static class ServerInspection
{
    public static async Task<CompiledPolicy?> LoadPolicyAsync(FileInfo file, TextWriter error)
    {
        var loaded = PolicyLoader.LoadFile(file.FullName);
        if (loaded.Succeeded)
        {
            return loaded.Policy;
        }

        await PolicyErrors.WriteAsync(error, loaded);
        return null;
    }

    /// <returns>The tools, or null after saying on <paramref name="error"/> why the server could not be listed.</returns>
    public static async Task<IReadOnlyList<ServerTool>?> ListAsync(string[] commandLine, TextWriter error, CancellationToken cancellationToken)
    {
        using var loggerFactory = GuardLogging.Create(LogLevel.Error);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            return await ServerProbe.ListToolsAsync(commandLine, loggerFactory, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or McpException or InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            await error.WriteLineAsync($"mcpguard: cannot list the tools of '{string.Join(' ', commandLine)}': {ex.Message}");
            return null;
        }
    }
}
