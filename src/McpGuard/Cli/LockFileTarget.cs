using McpGuard.Inventory;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Pins;

namespace McpGuard.Cli;

/// <summary>
/// Where <c>mcpguard pin</c> writes, and what is there now. The policy must be valid; its lock file may be
/// missing (the first pin) or invalid (re-pinning is how a damaged one is repaired), which loading a policy for
/// <c>run</c> would refuse.
/// </summary>
internal sealed record LockFileTarget(string File, bool PolicyPins, PinSet? Existing, LockFileLoadResult? Invalid)
{
    /// <returns>Null after the policy's errors were written to <paramref name="error"/>.</returns>
    public static async Task<LockFileTarget?> ResolveAsync(FileInfo policyFile, TextWriter error)
    {
        string text;
        try
        {
            text = await System.IO.File.ReadAllTextAsync(policyFile.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(
                $"mcpguard: {policyFile.FullName}: $: cannot read the policy file: {ex.Message}");
            return null;
        }

        LockFileLoadResult? read = null;
        var loaded = PolicyLoader.LoadText(text, policyFile.FullName, file =>
        {
            read = LockFileReader.Read(file);
            return new LockFileLoadResult { Pins = read.Pins ?? new PinSet(file, []) };
        });
        if (!loaded.Succeeded)
        {
            await PolicyErrors.WriteAsync(error, loaded);
            return null;
        }

        var pins = loaded.Policy!.Pins;
        var file = pins?.File ?? PinSettings.DefaultFile(policyFile.FullName);
        read ??= System.IO.File.Exists(file) ? LockFileReader.Read(file) : null;
        var missing = read is { Succeeded: false } && !System.IO.File.Exists(file);
        return read switch
        {
            null => new LockFileTarget(file, pins is not null, null, null),
            { Succeeded: true } => new LockFileTarget(file, pins is not null, read.Pins, null),
            _ when missing => new LockFileTarget(file, pins is not null, null, null),
            _ => new LockFileTarget(file, pins is not null, null, read),
        };
    }

    /// <summary>Writes beside the target and renames over it, so a watching guard never reads half a file.</summary>
    public static async Task<NewFileWrite> WriteAsync(string file, string text, CancellationToken cancellationToken)
    {
        var temp = $"{file}.{Environment.ProcessId}.tmp";
        try
        {
            await System.IO.File.WriteAllTextAsync(temp, text, new System.Text.UTF8Encoding(false), cancellationToken);
            System.IO.File.Move(temp, file, overwrite: true);
            return new NewFileWrite.Written();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (System.IO.File.Exists(temp))
            {
                System.IO.File.Delete(temp);
            }

            return ex switch
            {
                DirectoryNotFoundException => new NewFileWrite.Failed("its folder does not exist", ByUser: true),
                _ when Directory.Exists(file) => new NewFileWrite.Failed("it is a folder", ByUser: true),
                _ => new NewFileWrite.Failed(TerminalText.FirstLine(ex.Message), ByUser: false),
            };
        }
    }
}
