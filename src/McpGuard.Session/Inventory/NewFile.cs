namespace McpGuard.Inventory;

/// <summary>
/// Writes a file that must not exist yet (<c>init</c>'s policy and starter cases): created with
/// <see cref="FileMode.CreateNew"/>, so a file that appeared since the check is not overwritten either.
/// </summary>
internal static class NewFile
{
    public static async Task<NewFileWrite> WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(text.AsMemory(), cancellationToken);
            return new NewFileWrite.Written();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The runtime's words repeat the path or mislead (a folder is "Access to the path is denied").
            return ex switch
            {
                DirectoryNotFoundException => new NewFileWrite.Failed("its folder does not exist", ByUser: true),
                _ when Directory.Exists(path) => new NewFileWrite.Failed("it is a folder", ByUser: true),
                _ when File.Exists(path) => new NewFileWrite.Failed("it exists; not overwriting it", ByUser: true),
                _ => new NewFileWrite.Failed(TerminalText.FirstLine(ex.Message), ByUser: false),
            };
        }
    }
}
